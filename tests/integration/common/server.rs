//! The errscope binary as a child process on a port, and a minimal HTTP client for it.
#![allow(dead_code)]
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Server {
    pub fn start(db: &str, port: u16) -> Server {
        Server::start_with(db, port, &[])
    }

    /// The server on `db` at `port`, with more `serve` flags.
    pub fn start_with(db: &str, port: u16, flags: &[&str]) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_errscope"))
            .args([
                "serve",
                "--demo",
                "false",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--database-url",
                db,
            ])
            .args(flags)
            .env("ERRSCOPE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start errscope");
        let s = Server { child, port };
        let t = Instant::now();
        while http(port, "GET", "/healthz", "", "").0 != 200 {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "server did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        s
    }

    pub fn post(&self, key: &str, body: &str) -> (u16, serde_json::Value) {
        let (status, text) = http(self.port, "POST", "/api/v1/logs", key, body);
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client (one request per connection), for JSON answers.
pub fn http(port: u16, method: &str, path: &str, key: &str, body: &str) -> (u16, String) {
    let (status, body) = http_raw(port, method, path, key, body);
    // Chunked bodies: keep the JSON between the first '{' and the last '}'.
    let json = match (body.find('{'), body.rfind('}')) {
        (Some(a), Some(b)) if b > a => body[a..=b].to_string(),
        _ => body,
    };
    (status, json)
}

/// The status and the body as sent (not de-chunked).
pub fn http_raw(port: u16, method: &str, path: &str, key: &str, body: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let auth = if key.is_empty() {
        String::new()
    } else {
        format!("Authorization: Bearer {key}\r\n")
    };
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if s.write_all(req.as_bytes()).is_err() {
        return (0, String::new());
    }
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

pub fn create_key(db: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_errscope"))
        .args(["key", "create", "--name", "relay", "--database-url", db])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string()
}
