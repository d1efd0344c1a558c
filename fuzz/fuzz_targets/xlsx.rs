//! The Excel return reader: any bytes give rows or a reason, never a panic or a runaway allocation
//! (run with -rss_limit_mb=512 to catch the latter).
#![no_main]

use libfuzzer_sys::fuzz_target;
use safeguard_domain::performance::{ReturnIndicator, Unit, check_return};
use safeguard_service::performance::read_xlsx;

fuzz_target!(|data: &[u8]| {
    let inds = [
        ReturnIndicator { code: "CP-RATE".into(), unit: Unit::RatePer10000 },
        ReturnIndicator { code: "RE-REF".into(), unit: Unit::Percentage },
    ];
    match read_xlsx(data) {
        Ok(rows) => {
            let _ = check_return(&rows, &inds);
        }
        Err(e) => assert!(!e.reason.is_empty()),
    }
});
