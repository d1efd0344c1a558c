//! Reminders of case review deadlines at the lead times an administrator sets
//! (`case_review_settings`, default 10, 5 and 2 working days), and once when a deadline is overdue.
//!
//! Run each working day by the scheduler ([`crate::scheduler::case_review_reminders_job`]): for every
//! open clock in the `deadline` table, of any subject type (notifications; practice reviews once they
//! have clocks), whose working days remaining to the due date in force equals one of its
//! partnership's lead times, or which is overdue, each current member of that partnership's case
//! review panel gets one email listing them, through the outbox. Emails carry references and rule
//! labels only, never anything about a child.
//!
//! Each reminder is sent once: it is claimed in `job_run` (job [`SENT_JOB`], the slot being the
//! reminder's key: partnership, subject, rule, due date in force and lead time or "overdue") in the
//! same transaction as its emails are queued, so running again on the same day sends nothing twice,
//! an overdue deadline is reported once (again only if it is extended and the new date passes), and
//! a day the job did not run is not caught up for lead times (only for overdue deadlines). Weekends
//! and bank holidays send nothing.

use crate::{ServiceResult, Services};
use chrono::{DateTime, NaiveDate, Utc};
use safeguard_domain::PartnershipId;
use safeguard_domain::actions::uk_date;
use safeguard_domain::case_reviews::{
    DeadlineRule, MAX_SETTING_WORKING_DAYS, Reminder, reminder_for,
};
use safeguard_store::case_reviews::{self as store, ReminderDeadline};
use safeguard_store::{jobs, outbox};

/// The `job_run` job under which each reminder sent is claimed once (slot: the reminder's key).
pub const SENT_JOB: &str = "case_review_reminder";

/// How a subject type is named in a reminder.
fn subject_label(subject_type: &str) -> &'static str {
    match subject_type {
        "notification" => "Notification",
        "practice_review" => "Practice review",
        _ => "Case review",
    }
}

/// One line of a reminder email (references and rule labels only).
fn line(base: &str, d: &ReminderDeadline, due: NaiveDate, r: Reminder, remaining: i64) -> String {
    let rule = DeadlineRule::parse(&d.rule).map_or("Deadline", DeadlineRule::label);
    let reference = if d.reference.is_empty() {
        "(no reference)"
    } else {
        d.reference.as_str()
    };
    let when = match r {
        Reminder::Overdue => format!(
            "OVERDUE: was due {} ({} working {} ago)",
            due.format("%-d %B %Y"),
            -remaining,
            if remaining == -1 { "day" } else { "days" }
        ),
        Reminder::Ahead(0) => format!("Due today, {}", due.format("%-d %B %Y")),
        Reminder::Ahead(n) => format!(
            "Due {}: {n} working {} left",
            due.format("%-d %B %Y"),
            if n == 1 { "day" } else { "days" }
        ),
    };
    let link = if d.subject_type == "notification" {
        format!("{base}/case-reviews/{}", d.subject_id)
    } else {
        format!("{base}/case-reviews")
    };
    format!(
        "- {} {reference}: {rule}\n  {when}\n  {link}\n\n",
        subject_label(&d.subject_type)
    )
}

/// Sends the reminders due on the day of `now` (in England); returns the number of emails queued.
/// Nothing on a weekend or bank holiday; nothing already sent.
pub async fn send_reminders(svc: &Services, now: DateTime<Utc>) -> ServiceResult<usize> {
    let today = uk_date(now);
    let cal = crate::calendar::load(svc).await?;
    if !cal.is_working_day(today).unwrap_or(false) {
        return Ok(0);
    }
    let Ok(until) = cal.add_working_days(today, MAX_SETTING_WORKING_DAYS) else {
        return Ok(0);
    };
    let rows = {
        let mut pc = svc.db.acquire().await?;
        store::reminder_deadlines(&mut pc.conn(), until).await?
    };
    let base = svc.config.public_url.trim_end_matches('/').to_owned();
    let mut tx = svc.db.begin().await?;
    let mut sent = 0;
    for chunk in rows.chunk_by(|a, b| a.partnership_id == b.partnership_id) {
        let Some(first) = chunk.first() else { continue };
        let p = PartnershipId(first.partnership_id);
        let settings = store::get_settings(&mut tx.conn(), p).await?;
        let mut body = String::new();
        let mut keys = Vec::new();
        for d in chunk {
            let due = d.extended_to.unwrap_or(d.due_on);
            let Ok(remaining) = cal.working_days_between(today, due) else {
                continue;
            };
            let Some(r) = reminder_for(remaining, &settings.reminder_lead_days) else {
                continue;
            };
            let key = format!(
                "{}/{}/{}/{}/{due}/{}",
                d.partnership_id,
                d.subject_type,
                d.subject_id,
                d.rule,
                r.key()
            );
            if !jobs::claim(&mut tx.conn(), SENT_JOB, &key, "reminders", now).await? {
                continue;
            }
            body.push_str(&line(&base, d, due, r, remaining));
            keys.push(key);
        }
        if keys.is_empty() {
            continue;
        }
        let leads = if settings.reminder_lead_days.is_empty() {
            "only when a deadline is overdue".to_owned()
        } else {
            format!(
                "{} working days before a due date, and once when a deadline is overdue",
                settings
                    .reminder_lead_days
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let recipients = store::panel_recipients(&mut tx.conn(), p, today).await?;
        for r in &recipients {
            let text = format!(
                "Dear {},\n\nReminders of {}'s case review deadlines, counted in working days:\n\n{body}\
                 See the panel dashboard at {base}/case-reviews\n\n\
                 You get these reminders as a member of the case review panel: {leads}. \
                 An administrator can change when they are sent.\n",
                r.name, first.partnership_name
            );
            outbox::enqueue(
                &mut tx.conn(),
                Some(p),
                &r.email,
                &format!(
                    "{}: case review reminders ({})",
                    svc.config.service_name,
                    keys.len()
                ),
                &text,
                now,
            )
            .await?;
            sent += 1;
        }
        let outcome = format!("queued for {} panel members", recipients.len());
        for key in &keys {
            jobs::finish(&mut tx.conn(), SENT_JOB, key, &outcome, now).await?;
        }
    }
    tx.commit().await?;
    Ok(sent)
}
