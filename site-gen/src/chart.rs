//! Bar charts as inline SVG, made when the site is built (no chart script): bars grow from the
//! right, as Arabic reads, along a value axis whose zero is on the right; numbers in the site's
//! digits; `role="img"` named by its `<title>` and described by its `<desc>` (which says every
//! value). The page shows the same data as a table beside each chart. Colours come from the
//! stylesheet (`.chart__bar`, `.chart__axis`, `.chart__text`), so the generator holds none.

use forms::Digits;
use forms::render::escape_html;
use serde::Serialize;

/// One bar: its label, its value and the value as the page writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// A chart and the table that holds its data.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    /// Unique on the page; the SVG's title and description ids derive from it.
    pub id: String,
    pub title: String,
    /// The SVG element.
    pub svg: String,
    /// The table's column headings: what the bars are, and what their values are.
    pub head: [String; 2],
    /// The table's rows: label, value as written.
    pub rows: Vec<[String; 2]>,
}

const WIDTH: f64 = 640.0;
/// The labels' column, on the right.
const LABELS: f64 = 200.0;
/// Room on the left for the longest bar's value.
const VALUE_ROOM: f64 = 70.0;
const ROW: f64 = 34.0;
const BAR: f64 = 22.0;
const TOP: f64 = 8.0;
const AXIS_ROOM: f64 = 28.0;

impl Chart {
    /// A horizontal bar chart of `bars` on a scale from 0 to `max` (at least the largest value),
    /// `head` naming the table's columns.
    pub fn bars(id: &str, title: &str, head: [&str; 2], bars: &[Bar], digits: Digits) -> Chart {
        let max = bars.iter().map(|b| b.value).fold(0.0, f64::max);
        let scale_max = nice_max(max);
        let zero = WIDTH - LABELS - 8.0;
        let span = zero - VALUE_ROOM;
        let height = TOP + ROW * bars.len() as f64 + AXIS_ROOM;
        let x_of = |v: f64| zero - v / scale_max * span;
        let desc = bars
            .iter()
            .map(|b| format!("{}: {}", b.label, b.text))
            .collect::<Vec<_>>()
            .join("، ");
        let mut svg = format!(
            "<svg class=\"chart__svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH} {height}\" direction=\"rtl\" xmlns=\"http://www.w3.org/2000/svg\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}.</desc>",
            escape_html(title),
            escape_html(&desc)
        );
        let bottom = TOP + ROW * bars.len() as f64;
        // The value axis: gridlines and their numbers at 0, half and the top of the scale.
        for step in [0.0, 0.5, 1.0] {
            let v = scale_max * step;
            let x = x_of(v);
            svg.push_str(&format!(
                "<line class=\"chart__axis\" x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{bottom}\"/>\
                 <text class=\"chart__text chart__tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                bottom + 20.0,
                escape_html(&number(v, 0, digits))
            ));
        }
        for (i, b) in bars.iter().enumerate() {
            let y = TOP + ROW * i as f64 + (ROW - BAR) / 2.0;
            let x = x_of(b.value);
            let text_y = y + BAR / 2.0 + 5.0;
            svg.push_str(&format!(
                "<text class=\"chart__text\" x=\"{:.1}\" y=\"{text_y:.1}\">{}</text>\
                 <rect class=\"chart__bar\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{BAR}\"/>\
                 <text class=\"chart__text chart__value\" x=\"{:.1}\" y=\"{text_y:.1}\">{}</text>",
                WIDTH - 4.0,
                escape_html(&b.label),
                zero - x,
                x - 6.0,
                escape_html(&b.text)
            ));
        }
        svg.push_str("</svg>");
        Chart {
            id: id.to_string(),
            title: title.to_string(),
            svg,
            head: [head[0].to_string(), head[1].to_string()],
            rows: bars
                .iter()
                .map(|b| [b.label.clone(), b.text.clone()])
                .collect(),
        }
    }
}

/// The top of the value axis: `max` rounded up to 1, 2 or 5 times a power of ten (1 at least).
fn nice_max(max: f64) -> f64 {
    if max <= 1.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&v| v >= max)
        .unwrap_or(max)
}

/// `value` with `decimals` places in the site's digits, with the Arabic
/// decimal separator «٫» where the digits are Arabic-Indic.
pub fn number(value: f64, decimals: usize, digits: Digits) -> String {
    let text = format!("{value:.decimals$}");
    match digits {
        Digits::Western => text,
        Digits::ArabicIndic => forms::digits::localise(&text, digits).replace('.', "٫"),
    }
}

/// A share (0 to 1) as a whole percentage in the site's digits: «81%» or «٨١٪».
pub fn percent(share: f64, digits: Digits) -> String {
    let n = number((share * 100.0).round(), 0, digits);
    match digits {
        Digits::Western => format!("{n}%"),
        Digits::ArabicIndic => format!("{n}٪"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars() -> Vec<Bar> {
        vec![
            Bar {
                label: "الموقع".into(),
                value: 30.0,
                text: "30".into(),
            },
            Bar {
                label: "مقابلة".into(),
                value: 12.0,
                text: "12".into(),
            },
        ]
    }

    #[test]
    fn bars_grow_from_the_right_in_proportion() {
        let c = Chart::bars(
            "c1",
            "حسب القناة",
            ["القناة", "الردود"],
            &bars(),
            Digits::Western,
        );
        // Scale 0..50: the zero line is at 432 and 30 reaches 432 - 0.6 × 362.
        assert!(c.svg.contains("role=\"img\""));
        assert!(c.svg.contains("aria-labelledby=\"c1-title c1-desc\""));
        assert!(
            c.svg
                .contains("<desc id=\"c1-desc\">الموقع: 30، مقابلة: 12.</desc>")
        );
        assert!(
            c.svg.contains("x=\"214.8\" y=\"14.0\" width=\"217.2\""),
            "{}",
            c.svg
        );
        assert_eq!(c.rows[1], ["مقابلة".to_string(), "12".to_string()]);
    }

    #[test]
    fn numbers_follow_the_site_digits() {
        assert_eq!(number(4.26, 1, Digits::Western), "4.3");
        assert_eq!(number(4.0, 1, Digits::Western), "4.0");
        assert_eq!(number(4.25, 2, Digits::ArabicIndic), "٤٫٢٥");
        assert_eq!(percent(0.8095, Digits::ArabicIndic), "٨١٪");
        let c = Chart::bars("c", "t", ["a", "b"], &bars(), Digits::ArabicIndic);
        assert!(c.svg.contains(">٥٠</text>"), "{}", c.svg);
    }
}
