#include "support/prose.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/random_unicode.h"
#include "support/splitmix.h"

namespace epubtok::test_support {

namespace {

// ---- Word lists. All written for this project; short on purpose: the
// generator's job is realistic character statistics and punctuation, not
// literature. Words are space-separated, in lower case where the script has
// case.

struct LangData {
  const char* code;
  bool cased;
  bool turkish_case;     // i ↔ İ, ı ↔ I
  const char* words;     // the bulk of the text
  const char* specials;  // language-specific hazards, used now and then
  unsigned special_per_mille;
  const char* particles;     // ja/zh: appended after some words; else ""
  const char* word_sep;      // between words
  const char* comma;         // including any following space
  const char* sentence_sep;  // between sentences of a paragraph
  // Sentence enders: the first is the common one, used ~75% of the time.
  std::array<const char*, 5> enders;
  const char* question_opener;        // Spanish "¿", else ""
  std::array<const char*, 4> quotes;  // open, close, alternative open, close
  const char* dash;                   // dash used between clauses, with its spaces
  const char* decimal_sep;
  const char* thousands_sep;
  const char* percent;        // "%" or " %" etc.
  const char* native_digits;  // ten space-separated digits, or ""
  unsigned native_digit_per_mille;
  const char* chapter_prefix;
  const char* chapter_suffix;
};

const LangData kLangs[] = {
    {"en",
     true,
     false,
     "the a of and to in was he she it that his her with for on as at by had but not from they we you "
     "river house morning light window letter old little quiet garden city road remember walked said "
     "looked thought never always before after through against between long dark small whisper captain "
     "village winter summer autumn stone bridge mother father friend question answer ship harbour evening "
     "mountain forest only again across towards nothing everything perhaps already door table bread "
     "water fire candle street market clock book paper silver golden afternoon story",
     "don't|I'm|they'll|it's|he'd|we've|can't|won't|isn't|she's|you're|couldn't|o'clock|captain's|"
     "don’t|I’m|they’ll|it’s|he’d|we’ve|can’t|wouldn’t|mother’s|’tis|rock’n’roll|well-known|"
     "twenty-one|half-past|e.g.|i.e.|Mr.|Mrs.|Dr.|U.S.A.|St.|DON'T|I'LL|WE'RE|O’Brien|fishermen's",
     60,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", "... "},
     "",
     {"“", "”", "\"", "\""},
     " — ",
     ".",
     ",",
     "%",
     "",
     0,
     "Chapter ",
     ""},
    {"fr",
     true,
     false,
     "le la les un une des et de du en dans sur avec pour pas ne il elle nous vous ils était avait "
     "maison rivière matin lumière fenêtre lettre vieux petite jardin ville chemin souvenir marché "
     "regardé pensée toujours jamais avant après château forêt hiver été automne pierre pont mère père "
     "ami question réponse navire soir montagne cœur œuvre ça déjà où très là naïve noël garçon leçon "
     "français bientôt fenêtres oiseau",
     "l'homme|d'abord|j'ai|qu'il|c'est|n'était|l'été|d'une|aujourd'hui|s'il|jusqu'à|l'île|"
     "l’homme|d’abord|j’ai|qu’elle|c’est|n’est|l’eau|d’un|aujourd’hui|presqu’île|L'ÉTÉ|Œdipe|"
     "arc-en-ciel|peut-être|rendez-vous|c.-à-d.",
     60,
     "",
     " ",
     ", ",
     " ",
     {". ", "\u202F? ", "\u202F! ", "… ", "\u00A0; "},
     "",
     {"«\u00A0", "\u00A0»", "«\u202F", "\u202F»"},
     " — ",
     ",",
     "\u202F",
     "\u00A0%",
     "",
     0,
     "Chapitre ",
     ""},
    {"de",
     true,
     false,
     "der die das und ein eine nicht mit auf für von zu ist war hatte sie er wir ihr haus straße fluss "
     "morgen licht fenster brief garten stadt weg erinnerung mädchen bäume brücke mutter vater freund "
     "frage antwort schiff abend berg wald größe überraschung schlüssel schön groß klein müde über "
     "durch immer niemals vielleicht gemütlich weiß heißt fährt äpfel öffnen",
     "Donaudampfschifffahrtsgesellschaft|Geschwindigkeitsbegrenzung|Fußgängerzone|Haus|Straße|"
     "Bäume|Mädchen|Größe|Überraschung|Schlüssel|z.\u00A0B.|usw.|Kaffee-Ersatz|ÄRGER|STRASSE|gibt's|"
     "geht’s",
     90,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", "; "},
     "",
     {"„", "“", "»", "«"},
     " – ",
     ",",
     ".",
     "\u00A0%",
     "",
     0,
     "Kapitel ",
     ""},
    {"es",
     true,
     false,
     "el la los las un una y de en con por para que no se su era había casa río mañana luz ventana "
     "carta viejo pequeña jardín ciudad camino recuerdo miró pensó siempre nunca antes después corazón "
     "niño año señor canción árbol puente madre padre amigo pregunta respuesta barco noche montaña "
     "bosque también aquí más está pingüino cigüeña",
     "España|Señora|ÑANDÚ|pág.|EE.\u00A0UU.|sí|él|qué|cómo|dónde",
     40,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", "; "},
     "¿",
     {"«", "»", "“", "”"},
     " —",
     ",",
     ".",
     "\u00A0%",
     "",
     0,
     "Capítulo ",
     ""},
    {"ru",
     true,
     false,
     "и в не на он она что с как это по но они мы был была было дом река утро свет окно письмо "
     "старый маленький сад город дорога память смотрел сказал думал всегда никогда перед после через "
     "зима лето осень камень мост мать отец друг вопрос ответ корабль вечер гора лес ещё ёлка "
     "объявление счастье подъезд здравствуйте",
     "Москва|Ёжик|т.\u00A0е.|т.\u00A0д.|из-за|кто-нибудь|СССР|по-русски",
     40,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", "; "},
     "",
     {"«", "»", "„", "“"},
     " — ",
     ",",
     "\u00A0",
     "\u00A0%",
     "",
     0,
     "Глава ",
     ""},
    {"el",
     true,
     false,
     "ο η το και να σε με για από δεν είναι ήταν είχε σπίτι ποτάμι πρωί φως παράθυρο γράμμα παλιός "
     "μικρή κήπος πόλη δρόμος θυμάμαι κοίταξε είπε πάντα ποτέ πριν μετά χειμώνας καλοκαίρι φθινόπωρο "
     "πέτρα γέφυρα μητέρα πατέρας φίλος ερώτηση απάντηση πλοίο βράδυ βουνό δάσος θάλασσα ουρανός ψυχή "
     "ελλάδα ρυθμός",
     "Αθήνα|ΕΛΛΑΔΑ|Ελλάδα|π.\u00A0χ.|αϊδόνι|ευχαριστώ\u037E",
     30,
     "",
     " ",
     ", ",
     " ",
     {". ", "; ", "\u037E ", "! ", "… "},
     "",
     {"«", "»", "“", "”"},
     " — ",
     ",",
     ".",
     "%",
     "",
     0,
     "Κεφάλαιο ",
     ""},
    {"ja",
     false,
     false,
     "私 彼 彼女 東京 日本 学校 先生 学生 電車 時間 今日 明日 昨日 天気 雨 山 川 海 空 本 友達 "
     "家族 コーヒー テレビ コンピューター ラーメン ホテル パン タクシー カメラ 手紙 窓 光 朝 夜 庭 "
     "町 道 橋 母 父 質問 答え 船 森 冬 夏 秋 春 猫 犬 花 音楽 映画 ゆっくり とても たくさん",
     "食べました|行きます|見た|言った|思います|美しい|静かだった|大きな|小さな|ありがとう|"
     "すみません|分かりません|ｶﾀｶﾅ|～|ー|々|ヴァイオリン|ディズニー",
     80,
     "は が を に で と の も へ から まで",
     "",
     "、",
     "",
     {"。", "？", "！", "……", "。"},
     "",
     {"「", "」", "『", "』"},
     "――",
     ".",
     ",",
     "%",
     "",
     0,
     "第",
     "章"},
    {"zh",
     false,
     false,
     "我们 他 她 你 这 那 一个 今天 明天 昨天 学校 老师 学生 时间 天气 下雨 山 河 海 天空 书 朋友 "
     "家人 吃饭 去 看见 说 想 美丽 安静 大 小 慢慢地 非常 很多 咖啡 电视 电脑 城市 道路 桥 母亲 "
     "父亲 问题 答案 船 森林 冬天 夏天 秋天 春天 中国 历史 文化 故事 窗户 灯光 早晨 晚上 花园 信",
     "《红楼》|（注）|：|；|、|——|……|龍|學習|為什麼|Ｗｉｆｉ|ＡＩ",
     50,
     "的 了 在 和 是 不 也 就",
     "",
     "，",
     "",
     {"。", "？", "！", "……", "。"},
     "",
     {"“", "”", "「", "」"},
     "——",
     ".",
     ",",
     "%",
     "",
     0,
     "第",
     "章"},
    {"ko",
     false,
     false,
     "나는 그는 그녀는 우리는 학교에 집에서 오늘 내일 어제 날씨가 비가 산 강 바다 하늘 책을 "
     "친구와 가족 먹었다 갔습니다 보았다 말했다 생각합니다 아름다운 조용한 큰 작은 천천히 아주 "
     "많이 커피 텔레비전 컴퓨터 도시 길 다리 어머니 아버지 질문 대답 배 숲 겨울 여름 가을 봄 편지 "
     "창문 빛 아침 저녁 정원 그리고 하지만",
     // The last two are 한국 and 한글 in conjoining jamo (NFD), as some files contain.
     "ㅋㅋㅋ|ㅎㅎ|서울|대한민국|\u1112\u1161\u11AB\u1100\u116E\u11A8|\u1112\u1161\u11AB\u1100\u1173\u11AF",
     30,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", ". "},
     "",
     {"“", "”", "'", "'"},
     " — ",
     ".",
     ",",
     "%",
     "",
     0,
     "제",
     "장"},
    {"ar",
     false,
     false,
     "في من على إلى أن هذا هذه كان كانت قال البيت النهر الصباح الضوء النافذة رسالة قديم صغيرة "
     "الحديقة المدينة الطريق ذكرى نظر فكر دائما أبدا قبل بعد الشتاء الصيف الخريف حجر جسر أم أب صديق "
     "سؤال جواب سفينة المساء جبل غابة البحر السماء جميل لا والبيت بالقلم",
     "كِتَابٌ|مَدْرَسَةٌ|العَرَبِيَّة|جـميل|مُحَمَّد|إِنْ شَاءَ|ﷲ",
     60,
     "",
     " ",
     "، ",
     " ",
     {". ", "؟ ", "! ", "… ", "؛ "},
     "",
     {"«", "»", "\"", "\""},
     " — ",
     "٫",
     "٬",
     "٪",
     "٠ ١ ٢ ٣ ٤ ٥ ٦ ٧ ٨ ٩",
     400,
     "الفصل ",
     ""},
    {"he",
     false,
     false,
     "של את על עם הוא היא הם אנחנו לא כי זה היה הייתה בית נהר בוקר אור חלון מכתב ישן קטנה גן עיר "
     "דרך זיכרון הסתכל אמר חשב תמיד לפני אחרי חורף קיץ סתיו אבן גשר אמא אבא חבר שאלה תשובה ספינה "
     "ערב הר יער ים שמיים ספר ילד ירושלים מה",
     "שָׁלוֹם|בְּרֵאשִׁית|צה\"ל|צה״ל|ת\"א|וְהָאָרֶץ|ה׳",
     50,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", ". "},
     "",
     {"\"", "\"", "„", "”"},
     " – ",
     ".",
     ",",
     "%",
     "",
     0,
     "פרק ",
     ""},
    {"hi",
     false,
     false,
     "और का की के में है हैं था थी से को पर यह वह हम आप घर नदी सुबह रोशनी खिड़की पत्र पुराना "
     "छोटी बगीचा शहर रास्ता याद देखा कहा सोचा हमेशा कभी पहले बाद सर्दी गर्मी पत्थर पुल माँ पिता "
     "दोस्त सवाल जवाब जहाज़ शाम पहाड़ जंगल समुद्र आसमान हिन्दी भारत विद्यालय किताब क्षमा प्रश्न",
     // ज़मीन with the precomposed nukta letter U+095B (NFC decomposes it).
     "श्री|\u095Bमीन|ज़मीन|ॐ|द्वार|स्त्री|कृष्ण|डॉक्टर",
     50,
     "",
     " ",
     ", ",
     " ",
     {"। ", "? ", "! ", "… ", "। "},
     "",
     {"“", "”", "\"", "\""},
     " — ",
     ".",
     ",",
     "%",
     "० १ २ ३ ४ ५ ६ ७ ८ ९",
     200,
     "अध्याय ",
     ""},
    {"th",
     false,
     false,
     "ฉัน เขา เธอ เรา คุณ ไป มา กิน ข้าว น้ำ บ้าน แม่น้ำ ตอนเช้า แสง หน้าต่าง จดหมาย เก่า เล็ก สวน "
     "เมือง ถนน ความทรงจำ มอง พูด คิด เสมอ ไม่เคย ก่อน หลังจาก ฤดูหนาว ฤดูร้อน หิน สะพาน แม่ พ่อ "
     "เพื่อน คำถาม คำตอบ เรือ ตอนเย็น ภูเขา ป่า ทะเล ท้องฟ้า ที่ และ ของ ใน กับ ได้ จะ แล้ว มาก สวย "
     "ภาษา โรงเรียน ครู นักเรียน",
     "ช้าๆ|ประเทศไทย|กรุงเทพฯ|ฯลฯ|ค.ศ.|เด็กๆ",
     50,
     "",
     "",
     " ",
     " ",
     {" ", "? ", "! ", "… ", " "},
     "",
     {"“", "”", "\"", "\""},
     " – ",
     ".",
     ",",
     "%",
     "๐ ๑ ๒ ๓ ๔ ๕ ๖ ๗ ๘ ๙",
     200,
     "บทที่ ",
     ""},
    {"vi",
     true,
     false,
     "tôi anh chị em chúng ta là của và có không một những được người trong với cho đã sẽ nhà sông "
     "buổi sáng ánh cửa sổ lá thư cũ nhỏ vườn thành phố con đường ký ức nhìn nói nghĩ luôn trước sau "
     "mùa đông hè thu hòn đá cây cầu mẹ bố bạn câu hỏi trả lời tàu tối núi rừng biển bầu trời tiếng "
     "trường học nghiêng khuyết thưởng",
     // NFD spellings (base letter + combining marks in canonical order):
     // người, Việt, tiếng, được, những, sẽ.
     "Việt|Nam|Hà|Nội|ngu\u031Bo\u031B\u0300i|Vie\u0323\u0302t|tie\u0302\u0301ng|\u0111u\u031Bo\u031B\u0323c|"
     "nhu\u031B\u0303ng|se\u0303|TIẾNG|ĐƯỢC",
     80,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", "; "},
     "",
     {"“", "”", "\"", "\""},
     " – ",
     ",",
     ".",
     "%",
     "",
     0,
     "Chương ",
     ""},
    {"tr",
     true,
     true,
     "ve bir bu da de için ile çok ama gibi daha o ben biz siz onlar ev nehir sabah ışık pencere mektup "
     "eski küçük bahçe şehir yol hatıra baktı söyledi düşündü asla önce sonra kış yaz sonbahar taş "
     "köprü anne baba arkadaş soru cevap gemi akşam dağ orman deniz gökyüzü ilk iyi ılık ığdır",
     "İstanbul'da|Ankara'ya|Türkiye'nin|İzmir’de|IŞIK|İYİ|Iğdır|çünkü|şöyle|öğretmen",
     60,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", "; "},
     "",
     {"“", "”", "«", "»"},
     " – ",
     ",",
     ".",
     "%",
     "",
     0,
     "Bölüm ",
     ""},
    {"pl",
     true,
     false,
     "i w na z się nie to że jest był była do o jak ale po dom rzeka rano światło okno list stary mała "
     "ogród miasto droga wspomnienie patrzył powiedział myślał zawsze nigdy przed zima lato jesień "
     "kamień most matka ojciec przyjaciel pytanie odpowiedź statek wieczór góra las morze niebo "
     "źdźbło żółć gęślą chrząszcz ślub",
     "Łódź|Żółw|Kraków|ŹRÓDŁO|tzn.|itd.|biało-czerwony",
     40,
     "",
     " ",
     ", ",
     " ",
     {". ", "? ", "! ", "… ", "; "},
     "",
     {"„", "”", "«", "»"},
     " – ",
     ",",
     "\u00A0",
     "\u00A0%",
     "",
     0,
     "Rozdział ",
     ""},
};

// Emoji, including modifier and ZWJ sequences, flags and a keycap.
constexpr const char* kEmoji[] = {
    "😀",
    "😂",
    "❤️",
    "👍",
    "👍🏽",
    "🎉",
    "🙂",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "👩🏾‍💻",
    "🇫🇷",
    "🇯🇵",
    "✨",
    "🔥",
    "☕",
    "1️⃣",
    "🤷‍♀️",
};

// ---- Simple upper-casing for the letters in the word lists. Hand-written
// because tests/support links no Unicode library; generated_text_test checks
// it against ICU's u_toupper for every letter of every list.
char32_t upper_cp(char32_t c, bool turkish) {
  if (turkish) {
    if (c == U'i') return 0x0130;
    if (c == 0x0131) return U'I';
  }
  if (c >= U'a' && c <= U'z') return c - 32;
  if (c >= 0x00E0 && c <= 0x00FE && c != 0x00F7) return c - 32;
  if (c == 0x0131) return U'I';
  if ((c >= 0x0100 && c <= 0x0137) || (c >= 0x014A && c <= 0x0177)) return c & ~char32_t{1};
  if ((c >= 0x0139 && c <= 0x0148) || (c >= 0x0179 && c <= 0x017E)) return (c & 1) ? c : c - 1;
  if (c == 0x01A1 || c == 0x01B0) return c - 1;             // ơ ư
  if (c >= 0x1EA0 && c <= 0x1EF9) return c & ~char32_t{1};  // Vietnamese
  if (c == 0x03AC) return 0x0386;
  if (c >= 0x03AD && c <= 0x03AF) return c - 37;
  if (c == 0x03CC) return 0x038C;
  if (c == 0x03CD || c == 0x03CE) return c - 63;
  if (c == 0x03C2) return 0x03A3;
  if (c >= 0x03B1 && c <= 0x03CB) return c - 32;
  if (c >= 0x0430 && c <= 0x044F) return c - 32;
  if (c >= 0x0450 && c <= 0x045F) return c - 80;
  if (c == 0x0153) return 0x0152;  // œ (also covered above; explicit for clarity)
  return c;
}

char32_t decode_one(std::string_view s, size_t& i) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
  char32_t cp = b & (0x3F >> (len - 1));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

std::string upper_word(std::string_view w, bool turkish, bool first_only) {
  std::string out;
  size_t i = 0;
  bool first = true;
  while (i < w.size()) {
    size_t start = i;
    char32_t cp = decode_one(w, i);
    if (first || !first_only) {
      append_utf8(out, upper_cp(cp, turkish));
    } else {
      out.append(w.substr(start, i - start));
    }
    first = false;
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// A language ready for generation: the lists split and the capitalised and
// ALL-CAPS forms precomputed, so the hot loop only picks and appends.
struct Lang {
  const LangData* d;
  std::vector<std::string> words, capitalised, all_caps, specials, particles, digits;
};

const Lang& lang_for(std::string_view code) {
  static const std::vector<std::unique_ptr<Lang>> langs = [] {
    std::vector<std::unique_ptr<Lang>> v;
    for (const LangData& d : kLangs) {
      auto l = std::make_unique<Lang>();
      l->d = &d;
      l->words = split(d.words, ' ');
      for (const std::string& w : l->words) {
        l->capitalised.push_back(d.cased ? upper_word(w, d.turkish_case, true) : w);
        l->all_caps.push_back(d.cased ? upper_word(w, d.turkish_case, false) : w);
      }
      l->specials = split(d.specials, '|');
      l->particles = split(d.particles, ' ');
      l->digits = split(d.native_digits, ' ');
      v.push_back(std::move(l));
    }
    return v;
  }();
  for (const auto& l : langs)
    if (code == l->d->code) return *l;
  throw std::invalid_argument("generate_prose: unknown language '" + std::string(code) + "'");
}

uint64_t code_hash(std::string_view code) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : code) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// ---- A synthetic lexicon per language for generate_book_zipf(): pseudo-
// words spliced from the word list at code point boundaries (a prefix of one
// word + a suffix of another, sometimes a third), so they keep the script and
// letter statistics of the language. Cuts never put a combining mark first.

bool is_mark(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || (c >= 0x0483 && c <= 0x0489) || (c >= 0x0591 && c <= 0x05C7) ||
         (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) ||
         (c >= 0x0900 && c <= 0x0903) || (c >= 0x093A && c <= 0x094F) || (c >= 0x0951 && c <= 0x0957) ||
         (c >= 0x0962 && c <= 0x0963) || c == 0x0E31 || (c >= 0x0E34 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E) ||
         (c >= 0x1160 && c <= 0x11FF) || (c >= 0x3099 && c <= 0x309A) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0x200C ||
         c == 0x200D;
}

struct Lexicon {
  std::vector<std::string> words, capitalised;
};

constexpr size_t kLexiconSize = 20000;
constexpr unsigned kLexiconOctaves = 15;  // 2^14 < kLexiconSize <= 2^15

std::unique_ptr<Lexicon> build_lexicon(const Lang& lang) {
  std::vector<std::u32string> source;
  for (const std::string& w : lang.words) {
    std::u32string cps;
    for (size_t i = 0; i < w.size();) cps.push_back(decode_one(w, i));
    if (cps.size() >= 2) source.push_back(std::move(cps));
  }
  TestRng rng(code_hash(lang.d->code) ^ 0x1E81C0);
  std::set<std::u32string> seen;
  auto lex = std::make_unique<Lexicon>();
  // A cut point in [lo, n] where the next code point is not a mark.
  auto cut = [&rng](const std::u32string& w, size_t lo) {
    for (int tries = 0; tries < 8; ++tries) {
      const size_t at = lo + rng.below(w.size() - lo + 1);
      if (at == w.size() || !is_mark(w[at])) return at;
    }
    return w.size();
  };
  for (size_t attempts = 0; lex->words.size() < kLexiconSize && attempts < kLexiconSize * 20; ++attempts) {
    const std::u32string& a = source[rng.below(source.size())];
    const std::u32string& b = source[rng.below(source.size())];
    std::u32string w = a.substr(0, std::max<size_t>(1, cut(a, 1)));
    w += b.substr(cut(b, 1));
    if (rng.chance(300)) {
      const std::u32string& c = source[rng.below(source.size())];
      w += c.substr(cut(c, 1));
    }
    if (w.size() < 2 || w.size() > 16 || !seen.insert(w).second) continue;
    std::string utf8;
    for (char32_t c : w) append_utf8(utf8, c);
    lex->capitalised.push_back(lang.d->cased ? upper_word(utf8, lang.d->turkish_case, true) : utf8);
    lex->words.push_back(std::move(utf8));
  }
  return lex;
}

const Lexicon& lexicon_for(const Lang& lang) {
  static std::mutex mutex;
  static std::map<const Lang*, std::unique_ptr<Lexicon>> lexicons;
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Lexicon>& lex = lexicons[&lang];
  if (!lex) lex = build_lexicon(lang);
  return *lex;
}

class ProseWriter {
 public:
  // The language code is mixed into the seed so that languages generated
  // with the same seed do not share their sentence shapes and numbers.
  ProseWriter(const Lang& lang, uint64_t seed, const Lexicon* lexicon = nullptr)
      : l_(lang), d_(*lang.d), rng_(seed ^ code_hash(lang.d->code)), lex_(lexicon) {}

  // Appends one paragraph; returns the number of word units written.
  size_t paragraph(std::string& out) {
    size_t words = 0;
    const uint64_t n = rng_.between(1, 7);
    const bool dialogue = rng_.chance(120);
    for (uint64_t s = 0; s < n; ++s) {
      if (s > 0) out += rng_.chance(15) ? "\n" : d_.sentence_sep;  // rare line break inside
      words += sentence(out, dialogue && s == 0);
    }
    return words;
  }

  void heading(std::string& out, uint64_t number) {
    out += d_.chapter_prefix;
    number_digits(out, std::to_string(number));
    out += d_.chapter_suffix;
  }

 private:
  size_t sentence(std::string& out, bool quoted) {
    const bool spaced = *d_.word_sep != '\0';
    const uint64_t n = spaced ? rng_.between(3, 16) : rng_.between(2, 6);
    const uint64_t ender_pick = rng_.below(100);
    const size_t ender = ender_pick < 75 ? 0 : ender_pick < 84 ? 1 : ender_pick < 91 ? 2 : ender_pick < 96 ? 3 : 4;
    const bool alt_quotes = rng_.chance(300);
    if (quoted) out += d_.quotes[alt_quotes ? 2 : 0];
    if (ender == 1 && *d_.question_opener) out += d_.question_opener;
    bool paren_open = false;
    size_t words = 0;
    for (uint64_t i = 0; i < n; ++i) {
      if (i > 0) {
        const uint64_t r = rng_.below(1000);
        if (r < 100) {
          out += d_.comma;
        } else if (r < 115) {
          out += d_.dash;
        } else {
          out += d_.word_sep;
          if (r < 125 && !paren_open) {
            out += fullwidth_parens() ? "（" : "(";
            paren_open = true;
          }
        }
      }
      word(out, i == 0);
      ++words;
      if (!spaced && !l_.particles.empty() && rng_.chance(500)) out += l_.particles[rng_.below(l_.particles.size())];
      if (paren_open && rng_.chance(400)) {
        out += fullwidth_parens() ? "）" : ")";
        paren_open = false;
      }
    }
    if (paren_open) out += fullwidth_parens() ? "）" : ")";
    if (rng_.chance(8)) {  // emoji at the end of a sentence
      if (spaced) out += ' ';
      out += kEmoji[rng_.below(std::size(kEmoji))];
    }
    std::string_view end = d_.enders[ender];
    // The ender's trailing space belongs between sentences, not at a paragraph
    // end; the paragraph separator adds it back.
    while (!end.empty() && end.back() == ' ') end.remove_suffix(1);
    out += end;
    if (quoted) out += d_.quotes[alt_quotes ? 3 : 1];
    return words;
  }

  bool fullwidth_parens() const { return l_.d->code[0] == 'j' || l_.d->code[0] == 'z'; }

  void word(std::string& out, bool first) {
    const uint64_t r = rng_.below(1000);
    if (r < 30) {
      number(out);
      return;
    }
    if (r < 30 + l_.d->special_per_mille) {
      out += l_.specials[rng_.below(l_.specials.size())];
      return;
    }
    if (lex_ && rng_.below(100) < 45) {
      // Log-uniform rank (a uniform octave, then uniform within it):
      // P(rank) ∝ 1/rank within a factor of 2, Zipf's law with exponent 1,
      // without a logarithm per word.
      const size_t n = lex_->words.size();
      const unsigned octave = static_cast<unsigned>(rng_.below(kLexiconOctaves));
      const size_t rank = std::min(n, (size_t{1} << octave) + rng_.below(size_t{1} << octave)) - 1;
      out += first ? lex_->capitalised[rank] : lex_->words[rank];
      return;
    }
    const size_t w = rng_.below(l_.words.size());
    if (d_.cased) {
      if (first || r > 985) {
        out += l_.capitalised[w];
        return;
      }
      if (r > 980) {
        out += l_.all_caps[w];
        return;
      }
    }
    out += l_.words[w];
  }

  // Appends ASCII digits, converted to the language's native digits some of
  // the time, or to fullwidth digits for Chinese and Japanese.
  void number_digits(std::string& out, std::string_view ascii) {
    const bool native = !l_.digits.empty() && rng_.chance(d_.native_digit_per_mille);
    const bool fullwidth = !native && fullwidth_parens() && rng_.chance(100);
    for (char c : ascii) {
      if (c >= '0' && c <= '9') {
        if (native) {
          out += l_.digits[c - '0'];
          continue;
        }
        if (fullwidth) {
          append_utf8(out, 0xFF10 + (c - '0'));
          continue;
        }
      }
      out += c;
    }
  }

  // Builds the number with ASCII digits, then converts all its digits in one
  // go so a number never mixes digit systems.
  void number(std::string& out) {
    const uint64_t kind = rng_.below(100);
    std::string s;
    if (kind < 35) {
      s = std::to_string(rng_.between(1700, 2029));
    } else if (kind < 60) {
      s = std::to_string(rng_.between(1, 999));
    } else if (kind < 75) {
      s = std::to_string(rng_.below(100));
      s += d_.decimal_sep;
      s += std::to_string(rng_.between(1, 999));
    } else if (kind < 88) {
      const std::string digits = std::to_string(rng_.between(1000, 99999999));
      const size_t head = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
      s = digits.substr(0, head);
      for (size_t i = head; i < digits.size(); i += 3) {
        s += d_.thousands_sep;
        s += digits.substr(i, 3);
      }
    } else if (kind < 94) {
      s = std::to_string(rng_.between(1, 100));
      s += d_.percent;
    } else if (kind < 97) {
      const uint64_t len = rng_.between(10, 40);
      for (uint64_t i = 0; i < len; ++i) s.push_back(static_cast<char>('0' + rng_.below(10)));
    } else {
      s = std::to_string(rng_.between(0, 23)) + ":" + std::to_string(rng_.between(10, 59));
    }
    number_digits(out, s);
  }

  const Lang& l_;
  const LangData& d_;
  TestRng rng_;
  const Lexicon* lex_;
};

}  // namespace

char32_t detail::prose_upper(char32_t c, bool turkish) { return upper_cp(c, turkish); }

std::vector<std::string> prose_languages() {
  std::vector<std::string> out;
  for (const LangData& d : kLangs) out.emplace_back(d.code);
  return out;
}

std::string generate_prose(std::string_view language, uint64_t seed, size_t approx_words) {
  const Lang& lang = lang_for(language);
  std::string out;
  if (approx_words == 0) return out;
  out.reserve(approx_words * 8);
  ProseWriter writer(lang, seed);
  size_t words = 0;
  while (words < approx_words) {
    if (!out.empty()) out += "\n\n";
    words += writer.paragraph(out);
  }
  return out;
}

namespace {

std::string book(uint64_t seed, size_t approx_bytes, const Lang& lang, const Lexicon* lexicon) {
  std::string out;
  out.reserve(approx_bytes + 4096);
  ProseWriter writer(lang, seed ^ 0xB00C, lexicon);
  uint64_t chapter = 0;
  size_t paragraphs = 0;
  while (out.size() < approx_bytes) {
    if (!out.empty()) out += "\n\n";
    if (paragraphs % 40 == 0) {
      writer.heading(out, ++chapter);
      out += "\n\n";
    }
    writer.paragraph(out);
    ++paragraphs;
  }
  return out;
}

}  // namespace

std::string generate_book(uint64_t seed, size_t approx_bytes, std::string_view language) {
  return book(seed, approx_bytes, lang_for(language), nullptr);
}

std::string generate_book_zipf(uint64_t seed, size_t approx_bytes, std::string_view language) {
  const Lang& lang = lang_for(language);
  return book(seed, approx_bytes, lang, &lexicon_for(lang));
}

namespace novel_detail {

// SplitMix64 (fully specified, so the text is the same with every
// standard library) with chances in units of 1/10,000.
struct NovelRng : SplitMix64 {
  bool chance(unsigned per_10000) { return below(10000) < per_10000; }
};

struct NovelLexicon {
  std::vector<std::string> words;  // by rank, most frequent first
  std::vector<double> cumulative;  // Zipf-Mandelbrot weights, cumulative
  std::vector<std::string> names;  // capitalised, also Zipf-drawn
  std::vector<double> name_cumulative;
};

NovelLexicon build_novel_lexicon() {
  static const char* const kCommon[] = {
      "the",    "of",    "and",   "a",     "to",     "in",     "that",    "his",   "it",     "I",      "he",
      "but",    "as",    "is",    "with",  "was",    "for",    "all",     "this",  "at",     "by",     "not",
      "from",   "him",   "so",    "on",    "be",     "one",    "you",     "there", "now",    "had",    "have",
      "or",     "were",  "they",  "which", "like",   "me",     "then",    "their", "some",   "what",   "when",
      "are",    "my",    "no",    "into",  "upon",   "out",    "more",    "up",    "if",     "them",   "only",
      "would",  "been",  "its",   "who",   "over",   "man",    "old",     "such",  "these",  "other",  "than",
      "her",    "she",   "said",  "down",  "very",   "we",     "your",    "could", "about",  "any",    "long",
      "before", "those", "here",  "after", "little", "where",  "must",    "great", "though", "still",  "see",
      "did",    "can",   "way",   "sea",   "time",   "day",    "thought", "our",   "well",   "again",  "might",
      "should", "yet",   "ever",  "head",  "hand",   "while",  "through", "last",  "same",   "never",  "much",
      "how",    "every", "three", "two",   "first",  "why",    "let",     "most",  "away",   "seemed", "don’t",
      "it’s",   "I’m",   "I’ll",  "can’t", "won’t",  "that’s", "there’s", "he’s",  "we’ll",  "you’re", "didn’t",
      "isn’t",  "I’ve",  "she’d", "o’er",  "ne’er",  "'tis",   "don't",   "it's"};
  static const char* const kOnsets[] = {"",   "b",  "c",  "d",  "f",   "g",  "h",  "j",  "k",  "l",  "m",
                                        "n",  "p",  "qu", "r",  "s",   "t",  "v",  "w",  "y",  "z",  "th",
                                        "sh", "ch", "wh", "st", "str", "br", "cr", "dr", "fl", "gr", "pl",
                                        "pr", "sl", "sp", "tr", "sc",  "bl", "cl", "gl", "sw", "wr", "kn"};
  static const char* const kVowels[] = {"a",  "e",  "i",  "o",  "u",  "a",  "e", "i",  "o",  "ea", "ou",
                                        "ai", "ee", "oo", "ie", "oa", "au", "y", "ei", "ue", "ow", "e"};
  static const char* const kCodas[] = {"",   "",   "",   "n",  "r",  "s",  "t",   "l",  "d",  "m",
                                       "ng", "st", "ck", "rd", "nd", "ll", "ght", "rn", "th", "ss",
                                       "nt", "rk", "ld", "x",  "sh", "ch", "p",   "mp", "ft", "lt"};
  static const char* const kSuffixes[] = {"",   "",     "",     "",    "",     "s",   "s",    "ed",  "ing", "ly",
                                          "er", "ness", "tion", "ful", "less", "est", "ment", "ish", "ous", "able"};
  NovelLexicon lex;
  NovelRng rng{{0x6E6F76656Cull}};
  std::set<std::string> seen;
  for (const char* w : kCommon) {
    lex.words.emplace_back(w);
    seen.insert(w);
  }
  constexpr size_t kVocabulary = 40000;
  auto pick = [&rng](const auto& table) { return table[rng.below(std::size(table))]; };
  // Syllable counts rise with rank, so frequent words are short, as in
  // English (mean word length in running text ~4.4 letters).
  while (lex.words.size() < kVocabulary) {
    const size_t rank = lex.words.size();
    const size_t max_syllables = rank < 1000 ? 1 : rank < 8000 ? 2 : 3;
    const size_t syllables = 1 + rng.below(max_syllables);
    std::string w;
    for (size_t k = 0; k < syllables; ++k) {
      w += pick(kOnsets);
      w += pick(kVowels);
      if (k + 1 == syllables || rng.chance(3000)) w += pick(kCodas);
    }
    if (rank > 400 && rng.chance(3500)) w += pick(kSuffixes);
    if (w.size() < 2 || w.size() > 18 || !seen.insert(w).second) continue;
    lex.words.push_back(std::move(w));
  }
  while (lex.names.size() < 400) {
    std::string n;
    const size_t syllables = 2 + rng.below(2);
    for (size_t k = 0; k < syllables; ++k) {
      n += pick(kOnsets);
      n += pick(kVowels);
    }
    n += pick(kCodas);
    n[0] = static_cast<char>(n[0] >= 'a' && n[0] <= 'z' ? n[0] - 32 : n[0]);
    if (n.size() < 3 || !seen.insert(n).second) continue;
    lex.names.push_back(std::move(n));
  }
  // Weights 1 / (rank + offset)^(1 + 1/8 + 1/16): the exponent that gives
  // ~17-20k distinct words per 220k, as in Moby-Dick, computed with sqrt
  // (correctly rounded everywhere, unlike pow) so the text is portable.
  auto zipf = [](size_t n, double offset, std::vector<double>& cumulative) {
    double sum = 0;
    for (size_t r = 0; r < n; ++r) {
      const double x = static_cast<double>(r) + offset;
      const double root8 = std::sqrt(std::sqrt(std::sqrt(x)));
      sum += 1.0 / (x * root8 * std::sqrt(root8));
      cumulative.push_back(sum);
    }
    for (double& c : cumulative) c /= sum;
  };
  zipf(lex.words.size(), 2.7, lex.cumulative);
  zipf(lex.names.size(), 1.5, lex.name_cumulative);
  return lex;
}

size_t draw(NovelRng& rng, const std::vector<double>& cumulative) {
  const auto it = std::lower_bound(cumulative.begin(), cumulative.end(), rng.unit());
  return it == cumulative.end() ? cumulative.size() - 1 : static_cast<size_t>(it - cumulative.begin());
}

void append_number(NovelRng& rng, std::string& out) {
  switch (rng.below(5)) {
    case 0: out += std::to_string(1700 + rng.below(260)); break;  // a year
    case 1: out += std::to_string(1 + rng.below(99)); break;
    case 2: {
      const uint64_t n = 1 + rng.below(30);
      out += std::to_string(n);
      out += n % 10 == 1 && n != 11 ? "st" : n % 10 == 2 && n != 12 ? "nd" : n % 10 == 3 && n != 13 ? "rd" : "th";
      break;
    }
    case 3: out += std::to_string(1 + rng.below(9)) + "," + std::to_string(100 + rng.below(900)); break;
    default: out += std::to_string(rng.below(1000)); break;
  }
}

// One sentence, capitalised, with its closing punctuation.
void append_sentence(NovelRng& rng, const NovelLexicon& lex, std::string& out, bool in_dialogue) {
  const size_t words = 3 + rng.below(12) + rng.below(14);
  bool capital = true;
  for (size_t i = 0; i < words; ++i) {
    if (i > 0) out += ' ';
    if (rng.chance(250)) {
      out += lex.names[draw(rng, lex.name_cumulative)];
    } else if (rng.chance(40)) {
      append_number(rng, out);
    } else {
      std::string w = lex.words[draw(rng, lex.cumulative)];
      if (rng.chance(20)) {
        for (char& c : w) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);  // emphasis in capitals
      } else if (capital && w[0] >= 'a' && w[0] <= 'z') {
        w[0] = static_cast<char>(w[0] - 32);
      }
      out += w;
      if (rng.chance(150) && w.size() > 3) out += rng.chance(9000) ? "’s" : "'s";
      if (rng.chance(80) && i + 1 < words) {  // hyphenated compound
        out += '-';
        out += lex.words[draw(rng, lex.cumulative)];
      }
    }
    capital = false;
    if (i + 1 == words) break;
    if (rng.chance(120)) {  // em-dash joined to both words, as typeset
      out += "—";
      out += lex.words[draw(rng, lex.cumulative)];
    }
    if (rng.chance(900)) {
      out += ',';
    } else if (rng.chance(100)) {
      out += ';';
    } else if (rng.chance(30)) {
      out += ':';
    } else if (rng.chance(25)) {
      out += " (";
      out += lex.words[draw(rng, lex.cumulative)];
      out += ' ';
      out += lex.words[draw(rng, lex.cumulative)];
      out += ')';
    } else if (in_dialogue && rng.chance(40)) {
      out += " ‘";
      out += lex.words[draw(rng, lex.cumulative)];
      out += "!’";
    }
  }
  const uint64_t end = rng.below(100);
  out += end < 78 ? "." : end < 88 ? "!" : end < 97 ? "?" : end < 99 ? "…" : "—";
}

}  // namespace novel_detail

std::string generate_novel(uint64_t seed, size_t approx_bytes) {
  using namespace novel_detail;
  const NovelLexicon lex = build_novel_lexicon();
  NovelRng rng{{seed * 0x2545F4914F6CDD1Dull + 0x6E6F76}};
  std::string out;
  out.reserve(approx_bytes + 4096);
  size_t chapter = 0;
  size_t until_chapter = 0;
  while (out.size() < approx_bytes) {
    if (until_chapter == 0) {
      if (!out.empty()) out += '\n';
      out += "CHAPTER " + std::to_string(++chapter) + ". ";
      const size_t title = 1 + rng.below(4);
      for (size_t i = 0; i < title; ++i) {
        std::string w = lex.words[draw(rng, lex.cumulative)];
        for (char& c : w) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        if (i > 0) out += ' ';
        out += w;
      }
      out += ".\n";
      until_chapter = 15 + rng.below(30);
    }
    --until_chapter;
    if (rng.chance(3000)) {
      // Dialogue: “Sentence,” said Name. “Sentence.”
      out += "“";
      append_sentence(rng, lex, out, true);
      if (out.back() == '.' && rng.chance(5000)) {
        out.back() = ',';
        out += "” said ";
        out += lex.names[draw(rng, lex.name_cumulative)];
        out += ". “";
        append_sentence(rng, lex, out, true);
      }
      out += "”";
    } else {
      const size_t sentences = 1 + rng.below(6);
      for (size_t i = 0; i < sentences; ++i) {
        if (i > 0) out += ' ';
        append_sentence(rng, lex, out, false);
      }
    }
    out += '\n';
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace epubtok::test_support
