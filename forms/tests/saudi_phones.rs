//! Saudi phone numbers, valid or not, are read with Saudi Arabia's metadata alone: every
//! country's (about 90 ms of processor to load, which a form service's first answer after a cold
//! start would wait for) is loaded only for a number written with another country's code. A test
//! binary of its own, so that no other test has loaded that metadata before this one looks.

use once_cell::sync::Lazy;
use phonenumber::metadata::DATABASE;

use forms::normalise::phone;

#[test]
fn saudi_numbers_leave_every_countrys_metadata_unloaded() {
    assert_eq!(phone("0501234567").as_deref(), Some("+966501234567"));
    assert_eq!(phone("+966 11 234 5678").as_deref(), Some("+966112345678"));
    assert_eq!(phone("٠٠٩٦٦٥٠١٢٣٤٥٦٧").as_deref(), Some("+966501234567"));
    for wrong in ["05012", "٠٥٠١٢٣٤٥٦٧٨٩", "+96650", "1234567890"] {
        assert_eq!(phone(wrong), None, "{wrong}");
    }
    assert!(
        Lazy::get(&DATABASE).is_none(),
        "reading Saudi numbers loaded every country's phone metadata"
    );

    assert_eq!(phone("+44 20 7946 0958").as_deref(), Some("+442079460958"));
    assert!(
        Lazy::get(&DATABASE).is_some(),
        "a number with another country's code is read with every country's metadata"
    );
}
