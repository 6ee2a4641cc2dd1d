//! What the privacy notice needs beyond the forms themselves (`privacy:` in `site.yaml`): who
//! answers requests about personal data, the AWS region the data is stored in, and who else
//! receives it as the policy names them. Also the Arabic words for a retention period and the
//! place of an AWS region, each said once here.

use serde::{Deserialize, Serialize};

/// `privacy:` in `site.yaml`. Every key is optional here; `site-gen check` says which one a site
/// whose forms collect personal data still lacks.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Where a person asks to see, correct or delete their data.
    #[serde(default)]
    pub rights_contact: RightsContact,
    /// The AWS region code the service is deployed to (where submissions are stored).
    #[serde(default)]
    pub storage_region: Option<String>,
    /// Who else receives the data; `[]` says the policy names no one.
    #[serde(default)]
    pub recipients: Option<Vec<Recipient>>,
}

/// The contact for requests about personal data; at least one value is needed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RightsContact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl RightsContact {
    /// Whether a person has somewhere to send a request.
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none()
    }
}

/// Someone outside the association who receives data from a form, as the policy names them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Who, in the policy's words.
    pub name: String,
    /// Why they receive it, in the policy's words.
    pub purpose: String,
    /// What they receive, when the association has said so.
    #[serde(default)]
    pub receives: Option<String>,
    /// The policy's sentence that names them, word for word.
    #[serde(default)]
    pub quote: Option<String>,
    /// The ids of the forms whose data they receive.
    pub forms: Vec<String>,
}

/// Where an AWS region is, in Arabic, and whether that is inside the Kingdom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    pub code: &'static str,
    /// The country (and city) in Arabic.
    pub place: &'static str,
    pub inside_kingdom: bool,
}

/// The AWS regions this project knows the place of. No AWS region in the Kingdom is listed: add
/// its code here, with `inside_kingdom: true`, once AWS publishes it.
pub const REGIONS: &[Region] = &[
    Region {
        code: "me-central-1",
        place: "الإمارات العربية المتحدة",
        inside_kingdom: false,
    },
    Region {
        code: "me-south-1",
        place: "البحرين",
        inside_kingdom: false,
    },
    Region {
        code: "eu-central-1",
        place: "ألمانيا (فرانكفورت)",
        inside_kingdom: false,
    },
    Region {
        code: "eu-central-2",
        place: "سويسرا (زيورخ)",
        inside_kingdom: false,
    },
    Region {
        code: "eu-west-1",
        place: "أيرلندا",
        inside_kingdom: false,
    },
    Region {
        code: "eu-west-2",
        place: "المملكة المتحدة (لندن)",
        inside_kingdom: false,
    },
    Region {
        code: "eu-west-3",
        place: "فرنسا (باريس)",
        inside_kingdom: false,
    },
    Region {
        code: "eu-north-1",
        place: "السويد (ستوكهولم)",
        inside_kingdom: false,
    },
    Region {
        code: "eu-south-1",
        place: "إيطاليا (ميلانو)",
        inside_kingdom: false,
    },
    Region {
        code: "us-east-1",
        place: "الولايات المتحدة الأمريكية (فرجينيا)",
        inside_kingdom: false,
    },
    Region {
        code: "us-east-2",
        place: "الولايات المتحدة الأمريكية (أوهايو)",
        inside_kingdom: false,
    },
    Region {
        code: "us-west-2",
        place: "الولايات المتحدة الأمريكية (أوريغون)",
        inside_kingdom: false,
    },
    Region {
        code: "ap-south-1",
        place: "الهند (مومباي)",
        inside_kingdom: false,
    },
    Region {
        code: "ap-southeast-1",
        place: "سنغافورة",
        inside_kingdom: false,
    },
    Region {
        code: "af-south-1",
        place: "جنوب أفريقيا (كيب تاون)",
        inside_kingdom: false,
    },
];

/// The region with this code, if this project knows where it is.
pub fn region(code: &str) -> Option<Region> {
    REGIONS.iter().find(|r| r.code == code).copied()
}

/// CLDR's plural category of an integer in Arabic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plural {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

fn plural(n: u32) -> Plural {
    match (n, n % 100) {
        (0, _) => Plural::Zero,
        (1, _) => Plural::One,
        (2, _) => Plural::Two,
        (_, 3..=10) => Plural::Few,
        (_, 11..=99) => Plural::Many,
        _ => Plural::Other,
    }
}

/// A number of days as the largest whole unit in Arabic, with the noun agreeing with the number
/// as it reads after «مدة»: 1095 → "3 سنوات", 730 → "سنتين", 90 → "3 أشهر", 45 → "45 يومًا".
/// Digits are Western; the site's `digits` filter writes them in its own.
pub fn duration_text(days: u32) -> String {
    // The count in the unit, and the words for one, two, few (3-10), many (11-99) and other.
    let (n, one, two, few, many, other) = if days > 0 && days.is_multiple_of(365) {
        (days / 365, "سنة واحدة", "سنتين", "سنوات", "سنة", "سنة")
    } else if days > 0 && days.is_multiple_of(30) {
        (days / 30, "شهر واحد", "شهرين", "أشهر", "شهرًا", "شهر")
    } else {
        (days, "يوم واحد", "يومين", "أيام", "يومًا", "يوم")
    };
    match plural(n) {
        Plural::One => one.to_string(),
        Plural::Two => two.to_string(),
        Plural::Few => format!("{n} {few}"),
        Plural::Many => format!("{n} {many}"),
        Plural::Zero | Plural::Other => format!("{n} {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_said_in_its_largest_unit_with_the_noun_agreeing() {
        let cases = [
            (1095, "3 سنوات"),
            (365, "سنة واحدة"),
            (730, "سنتين"),
            (3650, "10 سنوات"),
            (4015, "11 سنة"),
            (36500, "100 سنة"),
            (90, "3 أشهر"),
            (30, "شهر واحد"),
            (360, "12 شهرًا"),
            (1, "يوم واحد"),
            (2, "يومين"),
            (7, "7 أيام"),
            (45, "45 يومًا"),
            (101, "101 يوم"),
        ];
        for (days, text) in cases {
            assert_eq!(duration_text(days), text, "{days} days");
        }
    }

    #[test]
    fn the_uae_region_is_outside_the_kingdom() {
        let r = region("me-central-1").unwrap();
        assert!(!r.inside_kingdom);
        assert!(r.place.contains("الإمارات"));
        assert_eq!(region("xx-nowhere-1"), None);
    }
}
