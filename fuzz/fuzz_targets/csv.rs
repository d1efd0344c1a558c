//! The CSV return reader and the row checks: any bytes give rows or a reason, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use safeguard_domain::performance::{ReturnIndicator, Unit, check_return, read_csv};

fuzz_target!(|data: &[u8]| {
    let inds = [
        ReturnIndicator { code: "CP-RATE".into(), unit: Unit::RatePer10000 },
        ReturnIndicator { code: "RE-REF".into(), unit: Unit::Percentage },
    ];
    match read_csv(data) {
        Ok(rows) => {
            let _ = check_return(&rows, &inds);
        }
        Err(e) => assert!(!e.reason.is_empty()),
    }
});
