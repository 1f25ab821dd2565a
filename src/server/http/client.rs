//! Who is asking, behind a reverse proxy or not: the client's address (from `X-Forwarded-For`
//! or `Forwarded` only when the connection comes from a trusted proxy) and whether the browser
//! reached errscope over https. The same middleware marks responses for that browser:
//! cookies `Secure` and HSTS over https, `Cache-Control: no-store` on everything but the
//! static assets.
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

/// How errscope is reached: the proxies it trusts and its public address.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Addresses (or networks) whose `X-Forwarded-For`, `Forwarded` and `X-Forwarded-Proto`
    /// headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Browsers reach errscope over https (its public URL is https, or `--secure-cookies`).
    pub https: bool,
}

impl Network {
    /// Parses a comma-separated list of addresses and networks (`10.0.0.0/8, ::1`).
    pub fn parse_proxies(list: &[String]) -> Result<Vec<IpNet>, String> {
        list.iter()
            .flat_map(|s| s.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("not an address or network: {s:?}"))
            })
            .collect()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }

    /// The client behind a connection from `peer`.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Client {
        let Some(peer) = peer else {
            return Client {
                ip: None,
                https: self.https,
            };
        };
        if !self.trusts(peer) {
            return Client {
                ip: Some(peer),
                https: self.https,
            };
        }
        // The nearest address that is not one of ours is the client: addresses further left
        // were written by the client itself and prove nothing.
        let chain = forwarded_for(headers);
        let ip = chain
            .iter()
            .rev()
            .copied()
            .find(|ip| !self.trusts(*ip))
            .or(chain.first().copied())
            .unwrap_or(peer);
        let proto_https = headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next_back())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
        Client {
            ip: Some(ip),
            https: self.https || proto_https,
        }
    }
}

/// The addresses of `X-Forwarded-For` and of `Forwarded: for=`, nearest last.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for v in headers.get_all("x-forwarded-for") {
        for part in v.to_str().unwrap_or("").split(',') {
            if let Some(ip) = parse_node(part) {
                out.push(ip);
            }
        }
    }
    if out.is_empty() {
        for v in headers.get_all(header::FORWARDED) {
            for element in v.to_str().unwrap_or("").split(',') {
                for pair in element.split(';') {
                    let Some((k, v)) = pair.split_once('=') else {
                        continue;
                    };
                    if k.trim().eq_ignore_ascii_case("for") {
                        if let Some(ip) = parse_node(v.trim().trim_matches('"')) {
                            out.push(ip);
                        }
                    }
                }
            }
        }
    }
    out
}

/// An address as proxies write it: `203.0.113.9`, `203.0.113.9:4711`, `[2001:db8::1]:4711`.
fn parse_node(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Ok(sock) = s.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    s.strip_prefix('[')
        .and_then(|r| r.split(']').next())
        .and_then(|r| r.parse().ok())
}

/// The client of the request being served (an extension set by `client_layer`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Client {
    pub ip: Option<IpAddr>,
    pub https: bool,
}

impl Client {
    /// The address as the audit writes it.
    pub fn address(&self) -> String {
        self.ip.map(|ip| ip.to_string()).unwrap_or_default()
    }
}

/// One year of HSTS (sent only to browsers that came over https).
const HSTS: &str = "max-age=31536000";

/// Sets the `Client` extension, then marks the response for it.
pub async fn client_layer(
    State(network): State<Arc<Network>>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = network.client(peer, req.headers());
    let cacheable = crate::server::http::assets::is_asset(req.uri().path());
    req.extensions_mut().insert(client);
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        // An asset under its plain name may change from one release to the next: a browser
        // keeps it but asks each time whether it changed (a 304 by its Last-Modified). The
        // fingerprinted names the pages use mark themselves immutable.
        let policy = if cacheable { "no-cache" } else { "no-store" };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    if client.https {
        secure_cookies(headers);
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    res
}

/// Adds `Secure` to every cookie set without it.
fn secure_cookies(headers: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for c in cookies {
        let text = c.to_str().unwrap_or("");
        let secure = text
            .split(';')
            .any(|a| a.trim().eq_ignore_ascii_case("secure"));
        let value = if secure || text.is_empty() {
            c
        } else {
            HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c)
        };
        headers.append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn network(proxies: &[&str]) -> Network {
        let list: Vec<String> = proxies.iter().map(|s| s.to_string()).collect();
        Network {
            trusted_proxies: Network::parse_proxies(&list).unwrap(),
            https: false,
        }
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1, 203.0.113.7"),
            ("x-forwarded-proto", "https"),
        ]);
        let open = network(&[]);
        assert_eq!(
            open.client(ip("192.0.2.1"), &h),
            Client {
                ip: ip("192.0.2.1"),
                https: false
            }
        );
        let proxied = network(&["192.0.2.0/24"]);
        assert_eq!(
            proxied.client(ip("192.0.2.1"), &h),
            Client {
                ip: ip("203.0.113.7"),
                https: true
            }
        );
        // A chain through two of our proxies: the nearest address that is not ours.
        let two = network(&["192.0.2.1", "10.0.0.0/8"]);
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.1.2.3")]);
        assert_eq!(two.client(ip("192.0.2.1"), &h).ip, ip("203.0.113.7"));
        let h = headers(&[("forwarded", "for=\"[2001:db8::7]:4711\";proto=https")]);
        assert_eq!(two.client(ip("192.0.2.1"), &h).ip, ip("2001:db8::7"));
        assert!(Network::parse_proxies(&["not-an-ip".into()]).is_err());
    }

    #[test]
    fn cookies_become_secure_once() {
        let mut h = headers(&[
            ("set-cookie", "a=1; Path=/; HttpOnly"),
            ("set-cookie", "b=2; Secure"),
        ]);
        secure_cookies(&mut h);
        let all: Vec<&str> = h
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(all, ["a=1; Path=/; HttpOnly; Secure", "b=2; Secure"]);
    }
}
