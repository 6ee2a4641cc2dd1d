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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uae_region_is_outside_the_kingdom() {
        let r = region("me-central-1").unwrap();
        assert!(!r.inside_kingdom);
        assert!(r.place.contains("الإمارات"));
        assert_eq!(region("xx-nowhere-1"), None);
    }
}
