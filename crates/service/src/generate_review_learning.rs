//! Benchmark data for the learning of case reviews: each generated partnership gets the default
//! themes taxonomy. The generator writes no notifications or practice reviews yet (this tree has no
//! generator for them), so no subject carries a theme and there are no findings or recommendations;
//! when such a generator exists, its subjects should be tagged here from the partnership's own
//! seeded stream, so that the rest of the content for a seed is unchanged.

use crate::ServiceResult;
use chrono::{DateTime, Utc};
use safeguard_domain::PartnershipId;
use safeguard_store::Tx;

/// Seeds the partnership's themes taxonomy (idempotent). Returns the number of themes added.
pub(crate) async fn themes(
    tx: &mut Tx,
    p: PartnershipId,
    now: DateTime<Utc>,
) -> ServiceResult<usize> {
    crate::review_learning::add_defaults_in_tx(tx, None, p, now).await
}
