//! Every message the service gives a beneficiary, in Arabic, each saying what to do next. The
//! answers ([`crate::answer`]) and the pages ([`crate::pages`]) show them.

/// The form was not sent: the summary's lead.
pub const MSG_INVALID: &str = "لم يُرسل النموذج. صحّح ما يلي ثم أرسله من جديد:";
/// No form at that address.
pub const MSG_NO_FORM: &str =
    "لا يوجد نموذج بهذا العنوان. افتح النموذج من قائمة الموقع ثم أرسله من صفحته.";
/// A body too large, or with too many fields.
pub const MSG_TOO_LARGE: &str =
    "ما أرسلته أكبر مما يقبله النموذج. اختصر النصوص الطويلة ثم أرسل النموذج من جديد.";
/// A body neither a form nor JSON.
pub const MSG_UNSUPPORTED: &str =
    "لم نستطع قراءة ما أرسلته لأنه بصيغة لا يقبلها النموذج. أرسل النموذج من صفحته في الموقع.";
/// A body that cannot be read.
pub const MSG_MALFORMED: &str = "لم نستطع قراءة ما أرسلته. ارجع إلى صفحة النموذج وأرسله من جديد.";
/// A body with bytes that are not text.
pub const MSG_NOT_UTF8: &str = "يحتوي ما أرسلته على رموز غير صالحة لا يمكن قراءتها كنص. ارجع إلى صفحة النموذج واكتب إجاباتك من جديد ثم أرسله.";
/// A challenge not passed (no token, or one the provider refused).
pub const MSG_CAPTCHA: &str = "لم يكتمل التحقق من أن المرسل شخص: أكمل خطوة التحقق أعلى زر الإرسال ثم أرسل مرة أخرى. ما كتبته محفوظ في الصفحة.";
/// The store failed: nothing was saved.
pub const MSG_NOT_SAVED: &str = "لم يُحفظ ما أرسلته بسبب عطل مؤقت لدينا، ولم يُسجَّل. أرسله مرة أخرى بعد دقيقة؛ ولن يُسجَّل مرتين إذا وصل من قبل.";
/// The store failed during a follow-up.
pub const MSG_TRACK_UNAVAILABLE: &str =
    "تعذّر عرض الحالة بسبب عطل مؤقت لدينا. حاول مرة أخرى بعد دقيقة.";
/// A wrong code and a wrong contact get this same answer.
pub const MSG_TRACK_NOT_FOUND: &str = "لم نجد طلبًا أو رسالة بهذا الرمز وهذه البيانات. تأكد من رمز المتابعة، ومن رقم الجوال أو البريد الإلكتروني كما كتبته عند الإرسال.";
/// Too many failed follow-ups.
pub const MSG_THROTTLED: &str = "تجاوزت عدد المحاولات المسموح به. انتظر قليلًا ثم حاول مرة أخرى، وتأكد من رمز المتابعة ومن رقم الجوال أو البريد الإلكتروني.";
/// Too many submissions from one client.
pub const MSG_TOO_MANY_SUBMISSIONS: &str = "وصلنا عدد كبير من الطلبات من جهازك أو شبكتك في وقت قصير. انتظر ربع ساعة ثم أرسل النموذج من جديد.";
/// A form posted from another site.
pub const MSG_CROSS_SITE: &str =
    "لا يُقبل هذا النموذج إلا من صفحته في موقعنا. افتح النموذج من قائمة الموقع ثم أرسله من هناك.";
/// A follow-up contact that is neither a phone number nor an e-mail address.
pub const MSG_TRACK_CONTACT: &str =
    "أدخل رقم الجوال أو البريد الإلكتروني الذي كتبته عند الإرسال، مثل 0501234567";
