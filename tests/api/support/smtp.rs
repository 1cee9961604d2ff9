//! A real SMTP server inside the test process (mailin-embedded), keeping every message it is
//! given.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{response, Handler, Response, Server};

/// One delivered message: envelope recipients and the parsed content.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    /// The plain-text part, decoded.
    pub text: String,
    /// (file name, decoded bytes) of every attachment.
    pub attachments: Vec<(String, Vec<u8>)>,
}

#[derive(Clone)]
struct Sink {
    mails: Arc<Mutex<Vec<Mail>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Sink {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let Ok(parsed) = mailparse::parse_mail(&self.data) else { return response::TRANSACTION_FAILED };
        let subject =
            parsed.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case("subject")).map(|h| h.get_value());
        let mut text = String::new();
        let mut attachments = Vec::new();
        let mut stack = vec![&parsed];
        while let Some(part) = stack.pop() {
            stack.extend(part.subparts.iter());
            let disposition = part.get_content_disposition();
            if disposition.disposition == mailparse::DispositionType::Attachment {
                let name = disposition.params.get("filename").cloned().unwrap_or_default();
                attachments.push((name, part.get_body_raw().unwrap_or_default()));
            } else if part.ctype.mimetype == "text/plain" {
                text.push_str(&part.get_body().unwrap_or_default());
            }
        }
        let subject = subject.unwrap_or_default();
        self.mails.lock().unwrap().push(Mail { to: self.to.clone(), subject, text, attachments });
        response::OK
    }
}

/// A running SMTP server and what it received.
pub struct SmtpServer {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpServer {
    /// Starts a server on a free port.
    pub fn start() -> SmtpServer {
        SmtpServer::start_on(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// Starts a server on `port` (e.g. one that was down until now).
    pub fn start_at(port: u16) -> SmtpServer {
        SmtpServer::start_on(TcpListener::bind(("127.0.0.1", port)).unwrap())
    }

    fn start_on(listener: TcpListener) -> SmtpServer {
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let sink = Sink { mails: mails.clone(), to: Vec::new(), data: Vec::new() };
        let mut server = Server::new(sink);
        server.with_name("smtp.llct.test").with_num_threads(16).with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, mails }
    }

    /// A port nothing listens on (yet).
    pub fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
    }

    pub fn url(port: u16) -> String {
        format!("smtp://127.0.0.1:{port}")
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}
