//! Outbound email: the outbox worker sends queued messages through SMTP (lettre), retries failures
//! with backoff (1, 2, 4 … minutes, 8 attempts), and records what was sent. Several instances can run
//! the worker: each message is claimed by a conditional update before it is sent.

use crate::Services;
use chrono::Duration;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use safeguard_store::outbox;

/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// An SMTP connection description.
#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl Mailer {
    /// From a URL such as `smtp://127.0.0.1:1025` (plain, for a local relay or tests),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`. `None`
    /// leaves mail queued in the outbox.
    pub fn new(url: Option<&str>, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("SAFEGUARD_MAIL_FROM is not a valid address: {e}"))?;
        let transport = match url {
            Some(u) if !u.is_empty() => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(u)
                    .map_err(|e| {
                        anyhow::anyhow!("SAFEGUARD_SMTP_URL is not a valid SMTP URL: {e}")
                    })?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            _ => None,
        };
        Ok(Self { transport, from })
    }

    /// True when an SMTP server is configured.
    pub fn is_configured(&self) -> bool {
        self.transport.is_some()
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let Some(t) = &self.transport else {
            anyhow::bail!("no SMTP server configured")
        };
        let to: Mailbox = to
            .parse()
            .map_err(|e| anyhow::anyhow!("bad recipient: {e}"))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body.to_owned())?;
        t.send(msg)
            .await
            .map_err(|e| anyhow::anyhow!("SMTP: {e}"))?;
        Ok(())
    }
}

/// Sends what is due once. Returns (sent, failed) counts.
pub async fn deliver_due(svc: &Services, mailer: &Mailer) -> anyhow::Result<(usize, usize)> {
    if !mailer.is_configured() {
        return Ok((0, 0));
    }
    let now = svc.now();
    let due = {
        let mut pc = svc.db.acquire().await?;
        outbox::due(&mut pc.conn(), now, 50).await?
    };
    let (mut sent, mut failed) = (0, 0);
    for m in due {
        let id = outbox::id_of(&m);
        {
            let mut pc = svc.db.acquire().await?;
            // Claim: push the next attempt 10 minutes out; a crash mid-send retries after that.
            if !outbox::claim(
                &mut pc.conn(),
                id,
                m.next_attempt_at,
                now + Duration::minutes(10),
            )
            .await?
            {
                continue;
            }
        }
        let result = mailer.send(&m.to_address, &m.subject, &m.body_text).await;
        let mut pc = svc.db.acquire().await?;
        match result {
            Ok(()) => {
                outbox::mark_sent(&mut pc.conn(), id, svc.now()).await?;
                sent += 1;
            }
            Err(e) => {
                let attempts = m.attempts + 1;
                let retry = (attempts < MAX_ATTEMPTS)
                    .then(|| svc.now() + Duration::minutes(1 << (attempts - 1).clamp(0, 10)));
                tracing::warn!(message = %id, attempts, error = %e, "email not sent");
                outbox::mark_failed(&mut pc.conn(), id, &e.to_string(), retry).await?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}
