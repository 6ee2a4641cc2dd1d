#!/usr/bin/env python3
"""Writes a synthetic Arabic site of N pages, the same Markdown for site-gen and for Hugo.

site-gen gets a whole site folder: a minimal `site.yaml`, the policy (`policy/_index.md` and one
section), the channel directory (one channel), one form, and `pages/p-NNNNN.md`.
Hugo gets the same page files under `content/`, served at the same `/{slug}/` addresses, with the
configuration and layouts of `bench/hugo/`.

Pages are deterministic for a given seed: headings at two levels (for the table of contents),
paragraphs with bold and italic text, bulleted and numbered lists, a table, and links to other
pages of the site.
"""

import argparse
import datetime
import os
import random
import shutil
import sys

WORDS = (
    "الجمعية المستفيدين الخدمة البرامج التطوع التدريب المجتمع الأسر الأيتام الفعاليات المؤتمرات "
    "الطلب المتابعة الاستبيان الرضا الجودة الشفافية المسؤولية الوقاية الأزمات المخاطر التأهيل "
    "الإجراءات المعايير التحقق المستندات الرسمية الهوية الإقامة التواصل القنوات الهاتف البريد "
    "الإلكتروني الموقع المقر الزيارة المواعيد الأسبوع الشهر السنة المراجعة التحسين التطوير "
    "الشراكة الجهات الحكومية الخاصة المتطوعين الموظفين الإدارة المجلس اللجنة التقرير الخطة "
    "الأهداف النتائج المؤشرات الأداء الكفاءة السرعة الإتقان الاحترام الخصوصية السرية البيانات "
    "الحقوق الواجبات الشكوى الملاحظة الاقتراح الاستفسار الرد المدة الأيام العمل الرسمي"
).split()
LINKERS = "في من على إلى مع عن بعد قبل خلال عبر حسب وفق لدى نحو ضمن".split()
VERBS = (
    "تقدم تتابع تراجع تعتمد تنظم تضمن تحرص تسعى تعمل تستقبل تدرس تعالج تنشر تحدد توضح تلتزم"
).split()
TOPICS = (
    "دليل برنامج خدمة نشاط مبادرة إجراء سؤال تقرير لقاء دورة ورشة حملة"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(VERBS)]
    for _ in range(rng.randint(6, 16)):
        words.append(rng.choice(WORDS if rng.random() < 0.75 else LINKERS))
    return " ".join(words) + "."


def paragraph(rng: random.Random, n_pages: int, index: int) -> str:
    parts = [sentence(rng) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.5:
        i = rng.randrange(len(parts))
        w = parts[i].split()
        k = rng.randrange(1, len(w) - 1)
        w[k] = f"**{w[k]}**"
        parts[i] = " ".join(w)
    if rng.random() < 0.3:
        i = rng.randrange(len(parts))
        w = parts[i].split()
        k = rng.randrange(1, len(w) - 1)
        w[k] = f"*{w[k]}*"
        parts[i] = " ".join(w)
    if rng.random() < 0.6:
        other = rng.randrange(n_pages)
        if other != index:
            parts.append(f"انظر أيضًا [{title(other)}](/{slug(other)}/).")
    return " ".join(parts)


def title(i: int) -> str:
    rng = random.Random(i * 7919)
    return f"{rng.choice(TOPICS)} {rng.choice(WORDS)} {rng.choice(WORDS)} {i + 1}"


def slug(i: int) -> str:
    return f"p-{i + 1:05d}"


def table(rng: random.Random) -> str:
    rows = ["| البند | الوصف | المدة |", "| --- | --- | --- |"]
    for r in range(rng.randint(3, 6)):
        desc = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))
        rows.append(f"| {rng.choice(WORDS)} {r + 1} | {desc} | {rng.randint(1, 30)} يومًا |")
    return "\n".join(rows)


def bullet_list(rng: random.Random, ordered: bool) -> str:
    items = []
    for k in range(rng.randint(3, 7)):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 10)))
        items.append(f"{k + 1}. {text}." if ordered else f"- {text}.")
    return "\n".join(items)


def page(i: int, n_pages: int, seed: int) -> str:
    rng = random.Random(seed * 1_000_003 + i)
    desc = " ".join(rng.choice(WORDS) for _ in range(10))
    front = f"---\ntitle: {title(i)}\ndescription: {desc}\n---\n"
    blocks = [paragraph(rng, n_pages, i)]
    for s in range(rng.randint(3, 6)):
        blocks.append(f"## {rng.choice(TOPICS)} {rng.choice(WORDS)} {s + 1}")
        blocks.append(paragraph(rng, n_pages, i))
        roll = rng.random()
        if roll < 0.35:
            blocks.append(bullet_list(rng, ordered=False))
        elif roll < 0.6:
            blocks.append(bullet_list(rng, ordered=True))
        elif roll < 0.8:
            blocks.append(table(rng))
        if rng.random() < 0.5:
            blocks.append(f"### {rng.choice(WORDS)} {rng.choice(WORDS)}")
            blocks.append(paragraph(rng, n_pages, i))
    return front + "\n\n".join(blocks) + "\n"


SITE_YAML = """\
name: جمعية قياس الأداء
short_name: قياس الأداء
description: موقع مولَّد لقياس سرعة بناء المواقع الكبيرة.
base_url: https://bench.example.org
forms_url: /api
digits: western
calendar: both
contact:
  phone: "+966 11 000 0000"
  email: info@bench.example.org
  hours: الأحد إلى الخميس
example_values: true
privacy:
  rights_contact: { email: info@bench.example.org }
  storage_region: me-central-1
  recipients: []
nav:
  - { title: السياسة, path: /policy/ }
  - { title: قنوات التواصل, path: /channels/ }
"""

POLICY_INDEX = """\
---
title: سياسة مولَّدة لقياس الأداء
version: "1.0"
approval:
  body: مجلس الإدارة
  meeting: الجلسة الأولى
  date: {date}
review_cycle: سنوي
review_months: 12
---
"""

POLICY_SECTION = """\
---
title: الهدف العام
role: goal
---
تقديم خدمة متميزة للمستفيدين.
"""

FORM = """\
title: ملاحظة أو شكوى أو اقتراح
description: شاركنا ملاحظتك.
submit: إرسال
trackable: true
purpose: دراسة رسالتك.
retention_days: 1095
next_steps: تسلّمنا رسالتك.
fields:
  - name: phone
    label: رقم الجوال
    type: phone
    required: true
    contact: true
  - name: message
    label: نص الرسالة
    type: textarea
    required: true
    min_length: 10
    max_length: 2000
"""

CHANNELS_INDEX = """\
---
title: قنوات التواصل
---
"""

CHANNEL = """\
---
title: الاتصالات الهاتفية
kind: phone
contacts: [phone]
---
نستقبل اتصالاتكم في أوقات العمل.
"""


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, required=True, help="number of generated pages")
    ap.add_argument("--site-gen", required=True, help="site folder to write for site-gen")
    ap.add_argument("--hugo", required=True, help="Hugo project folder to write")
    ap.add_argument("--hugo-theme", required=True, help="bench/hugo: configuration and layouts")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    for d in (args.site_gen, args.hugo):
        if os.path.exists(d):
            shutil.rmtree(d)
    sg = args.site_gen
    write(os.path.join(sg, "site.yaml"), SITE_YAML)
    # Approved a month ago, so that no review is due.
    approved = datetime.date.today() - datetime.timedelta(days=30)
    write(os.path.join(sg, "policy", "_index.md"), POLICY_INDEX.format(date=approved.isoformat()))
    write(os.path.join(sg, "policy", "01-goal.md"), POLICY_SECTION)
    write(os.path.join(sg, "channels", "_index.md"), CHANNELS_INDEX)
    write(os.path.join(sg, "channels", "01-phone.md"), CHANNEL)
    write(os.path.join(sg, "forms", "feedback.yaml"), FORM)
    shutil.copytree(args.hugo_theme, args.hugo, ignore=shutil.ignore_patterns("README*"))

    total = 0
    for i in range(args.pages):
        text = page(i, args.pages, args.seed)
        total += len(text.encode("utf-8"))
        write(os.path.join(sg, "pages", f"{slug(i)}.md"), text)
        write(os.path.join(args.hugo, "content", f"{slug(i)}.md"), text)
    print(f"{args.pages} pages, {total} bytes of Markdown each side", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
