//! The invitation to the satisfaction survey that the confirmation of a trackable request and
//! the e-mail closing it carry: the survey's page (the first form of kind `survey`), naming the
//! service when the survey has a choice with the request's form as an option. Never anything of
//! the person: no code, no contact.

use crate::{FieldType, FormDef, FormKind};

/// The survey's address (relative to the site) for someone served through `about`, or `None`
/// when `about` is not followed up or the site has no survey.
pub fn survey_invite<'a>(
    forms: impl IntoIterator<Item = &'a FormDef>,
    about: &FormDef,
) -> Option<String> {
    if !about.trackable || about.kind == FormKind::Survey {
        return None;
    }
    let survey = forms.into_iter().find(|f| f.kind == FormKind::Survey)?;
    let path = format!("/forms/{}/", survey.id);
    let service = survey
        .fields
        .iter()
        .find(|f| f.kind == FieldType::Choice && f.options.iter().any(|o| o.value == about.id));
    Some(match service {
        Some(f) => format!("{path}?{}={}", f.name, about.id),
        None => path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(id: &str, yaml: &str) -> FormDef {
        FormDef::from_yaml(id, &format!("forms/{id}.yaml"), yaml).unwrap()
    }

    const REQUEST: &str = "title: طلب\ntrackable: true\nfields:\n  - { name: phone, label: الجوال, type: phone, required: true, contact: true }\n";
    const SURVEY: &str = "title: استبيان\nkind: survey\nfields:\n  - { name: overall, label: التقييم, type: rating, scale: 5 }\n";
    const SURVEY_BY_SERVICE: &str = "title: استبيان\nkind: survey\nfields:\n  - name: service\n    label: الخدمة\n    type: choice\n    options:\n      - { value: request, label: طلب }\n";

    #[test]
    fn the_survey_is_linked_naming_the_service_only_when_it_asks_for_one() {
        let request = form("request", REQUEST);
        let survey = form("survey", SURVEY);
        assert_eq!(
            survey_invite([&request, &survey], &request).as_deref(),
            Some("/forms/survey/")
        );
        let by_service = form("rating", SURVEY_BY_SERVICE);
        assert_eq!(
            survey_invite([&by_service], &request).as_deref(),
            Some("/forms/rating/?service=request")
        );
        // No survey, or nothing followed up: no invitation.
        assert_eq!(survey_invite([&request], &request), None);
        assert_eq!(survey_invite([&survey], &survey), None);
    }
}
