//! Governance for generated partnerships (benchmarks): the board's members and its quarterly
//! meetings on working days, each held with attendance of every member. Modest on purpose: six
//! members and four meetings a year per partnership. Nothing is added to a partnership that already
//! has meetings.

use crate::ServiceResult;
use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use safeguard_domain::PartnershipId;
use safeguard_domain::calendar::Calendar;
use safeguard_domain::governance::{Frequency, plan_dates};
use safeguard_store::Tx;
use safeguard_store::governance::{self as store, MeetingWrite, MemberWrite};
use uuid::Uuid;

/// Board members per generated partnership.
pub const MEMBERS: usize = 6;

/// Adds the board's members and `years` of quarterly meetings from April 2021 (financial years);
/// returns the number of meetings written.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn board_meetings(
    tx: &mut Tx,
    p: PartnershipId,
    board: &str,
    people: &[(Uuid, Uuid)],
    years: u32,
    calendar: &Calendar,
    rng: &mut ChaCha8Rng,
    now: chrono::DateTime<chrono::Utc>,
) -> ServiceResult<u64> {
    if store::count_meetings(&mut tx.conn(), p).await? > 0 {
        return Ok(0);
    }
    let Some(board) = store::find_body_by_name(&mut tx.conn(), p, board).await? else {
        return Ok(0);
    };
    let (Some(first), Some(joined)) = (
        NaiveDate::from_ymd_opt(2021, 4, 20),
        NaiveDate::from_ymd_opt(2021, 4, 1),
    ) else {
        return Ok(0);
    };
    let members: Vec<(Uuid, Uuid)> = people.iter().take(MEMBERS).copied().collect();
    for (i, (person, org)) in members.iter().enumerate() {
        store::insert_member(
            &mut tx.conn(),
            p,
            &MemberWrite {
                id: Uuid::from_bytes(rng.random()),
                body_id: board,
                person_id: *person,
                organisation_id: *org,
                role: if i == 0 { "chair" } else { "member" },
                joined_on: joined,
            },
            now,
        )
        .await?;
    }
    let until = NaiveDate::from_ymd_opt(first.year() + i32::try_from(years).unwrap_or(0), 3, 31)
        .unwrap_or(first);
    let mut written = 0;
    for date in plan_dates(calendar, Frequency::Quarterly, first, until) {
        let m = Uuid::from_bytes(rng.random());
        store::insert_meeting(
            &mut tx.conn(),
            p,
            &MeetingWrite {
                id: m,
                body_id: board,
                date,
                start_time: "10:00",
                location: "",
                status: "held",
            },
            now,
        )
        .await?;
        for (person, org) in &members {
            let status = match rng.random_range(0..100) {
                0..=79 => "present",
                80..=91 => "apologies",
                _ => "absent",
            };
            store::record_attendance(&mut tx.conn(), p, m, *person, *org, status, None, now)
                .await?;
        }
        written += 1;
    }
    Ok(written)
}
