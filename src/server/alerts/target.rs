//! Where a webhook may point. errscope calls what an admin typed, so the address is checked
//! when the rule is saved and again, after resolving, before every delivery (a name can be
//! pointed elsewhere later): never errscope itself, a link-local or cloud-metadata address, or
//! this machine's loopback unless the operator allows it. The request then goes to the checked
//! address, without proxies or redirects.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

use crate::domain::refusal::Refusal;

/// What the operator allows.
#[derive(Clone, Debug, Default)]
pub struct TargetPolicy {
    /// A receiver on this machine (tests, a local relay bot) may be called; errscope's own
    /// port still may not.
    pub allow_loopback: bool,
    /// The address errscope listens on.
    pub own: Option<SocketAddr>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TargetError {
    #[error("{}", Refusal::WebhookNotHttp)]
    NotHttp,
    #[error("{}", Refusal::WebhookUnresolved)]
    Unresolved,
    #[error("{0}")]
    Refused(Refusal),
}

impl TargetError {
    /// The refusal an admin reads when adding the rule.
    pub fn refusal(&self) -> Refusal {
        match self {
            TargetError::NotHttp => Refusal::WebhookNotHttp,
            TargetError::Unresolved => Refusal::WebhookUnresolved,
            TargetError::Refused(why) => why.clone(),
        }
    }
}

/// A webhook address checked for one delivery: its URL and where its host resolved.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: Url,
    /// The host's name when it is one (the request is pinned to `addrs`).
    pub domain: Option<String>,
    pub addrs: Vec<SocketAddr>,
}

/// Cloud metadata services: AWS/GCP/Azure, Alibaba Cloud, AWS over IPv6.
const METADATA: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254)),
];

impl TargetPolicy {
    /// Parses and resolves `webhook`, refusing it when any address it reaches is off limits.
    pub async fn check(&self, webhook: &str) -> Result<Target, TargetError> {
        let url = Url::parse(webhook.trim()).map_err(|_| TargetError::NotHttp)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(TargetError::NotHttp);
        }
        let port = url.port_or_known_default().ok_or(TargetError::NotHttp)?;
        let (domain, addrs) = match url.host().ok_or(TargetError::NotHttp)? {
            url::Host::Ipv4(ip) => (None, vec![SocketAddr::new(ip.into(), port)]),
            url::Host::Ipv6(ip) => (None, vec![SocketAddr::new(ip.into(), port)]),
            url::Host::Domain(d) => {
                let found: Vec<SocketAddr> = tokio::net::lookup_host((d, port))
                    .await
                    .map_err(|_| TargetError::Unresolved)?
                    .collect();
                (Some(d.to_string()), found)
            }
        };
        if addrs.is_empty() {
            return Err(TargetError::Unresolved);
        }
        if let Some(why) = addrs.iter().find_map(|a| self.refusal(*a)) {
            return Err(TargetError::Refused(why));
        }
        Ok(Target { url, domain, addrs })
    }

    /// Why errscope must not call `addr`, if it must not.
    pub fn refusal(&self, addr: SocketAddr) -> Option<Refusal> {
        let ip = addr.ip().to_canonical();
        if ip.is_unspecified() {
            return Some(Refusal::WebhookUnspecified);
        }
        if METADATA.contains(&ip) {
            return Some(Refusal::WebhookMetadata);
        }
        let link_local = match ip {
            IpAddr::V4(v4) => v4.is_link_local(),
            IpAddr::V6(v6) => v6.is_unicast_link_local(),
        };
        if link_local {
            return Some(Refusal::WebhookLinkLocal);
        }
        if ip.is_multicast() || ip == IpAddr::V4(Ipv4Addr::BROADCAST) {
            return Some(Refusal::WebhookBroadcast);
        }
        if let Some(own) = self.own {
            let own_ip = own.ip().to_canonical();
            let same_host = ip == own_ip || ip.is_loopback() || own_ip.is_unspecified();
            if own.port() == addr.port() && same_host {
                return Some(Refusal::WebhookErrscope);
            }
        }
        if ip.is_loopback() && !self.allow_loopback {
            return Some(Refusal::WebhookLoopback);
        }
        None
    }
}

/// A webhook as the pages show it: scheme and host only (the path of a robot URL is its token).
pub fn shown(webhook: &str) -> String {
    match Url::parse(webhook.trim()) {
        Ok(u) => format!("{}://{}/…", u.scheme(), u.host_str().unwrap_or_default()),
        Err(_) => "…".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &TargetPolicy, addr: &str) -> Option<Refusal> {
        policy.refusal(addr.parse().unwrap())
    }

    #[test]
    fn metadata_link_local_loopback_and_errscope_itself_are_refused() {
        let policy = TargetPolicy {
            allow_loopback: false,
            own: Some("0.0.0.0:3000".parse().unwrap()),
        };
        for addr in [
            "169.254.169.254:80",
            "100.100.100.200:80",
            "[fd00:ec2::254]:80",
            "169.254.1.2:443",
            "[fe80::1]:443",
            "[::ffff:169.254.169.254]:80",
            "127.0.0.1:9000",
            "[::1]:9000",
            "0.0.0.0:80",
            "10.0.0.5:3000",
            "224.0.0.1:80",
        ] {
            assert!(refused(&policy, addr).is_some(), "{addr}");
        }
        for addr in ["10.0.0.5:8080", "203.0.113.9:443", "[2001:db8::1]:443"] {
            assert_eq!(refused(&policy, addr), None, "{addr}");
        }
        let local = TargetPolicy {
            allow_loopback: true,
            own: Some("127.0.0.1:3000".parse().unwrap()),
        };
        assert_eq!(refused(&local, "127.0.0.1:9000"), None);
        assert_eq!(
            refused(&local, "127.0.0.1:3000"),
            Some(Refusal::WebhookErrscope)
        );
        assert_eq!(
            refused(&local, "169.254.169.254:80"),
            Some(Refusal::WebhookMetadata)
        );
    }

    #[tokio::test]
    async fn only_http_addresses_that_resolve_to_allowed_hosts_pass() {
        let policy = TargetPolicy::default();
        for bad in ["ftp://x.example/", "not a url", "file:///etc/passwd"] {
            assert_eq!(
                policy.check(bad).await.unwrap_err(),
                TargetError::NotHttp,
                "{bad}"
            );
        }
        assert_eq!(
            policy.check("http://localhost:9/").await.unwrap_err(),
            TargetError::Refused(Refusal::WebhookLoopback)
        );
        assert_eq!(
            policy
                .check("http://169.254.169.254/latest/meta-data")
                .await
                .unwrap_err(),
            TargetError::Refused(Refusal::WebhookMetadata)
        );
        assert!(policy.check("https://203.0.113.9/hook").await.is_ok());
        assert_eq!(
            shown("https://open.feishu.cn/open-apis/bot/v2/hook/secret-token"),
            "https://open.feishu.cn/…"
        );
    }
}
