#include "epub/html_entities.h"

#include <algorithm>
#include <array>

namespace epubtok::epub {
namespace {

struct NamedRef {
  std::string_view name;   // without the leading '&', with ';' when the spec has it
  std::string_view value;  // UTF-8
};

// Sorted by name (byte order) by the generator, so std::lower_bound works; a
// binary search over 2,231 names is ~11 comparisons, and entities are rare in
// book text, so a perfect hash would not pay for its complexity.
constexpr NamedRef kNamedRefs[] = {
#include "epub/html_entities.inc"
};
constexpr size_t kMaxNameLen = 32;  // "CounterClockwiseContourIntegral;"

const NamedRef* find_named(std::string_view name) {
  auto it = std::lower_bound(std::begin(kNamedRefs), std::end(kNamedRefs), name,
                             [](const NamedRef& r, std::string_view n) { return r.name < n; });
  if (it != std::end(kNamedRefs) && it->name == name) return it;
  return nullptr;
}

// HTML5 "numeric character reference end state": C1 controls are read as
// windows-1252, since that is what such documents were written in.
constexpr char16_t kC1Windows1252[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                         0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                         0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                         0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

size_t decode_numeric(std::string_view s, std::string& out) {
  // s starts with "&#".
  size_t i = 2;
  bool hex = false;
  if (i < s.size() && (s[i] == 'x' || s[i] == 'X')) {
    hex = true;
    ++i;
  }
  size_t digits_start = i;
  uint64_t value = 0;
  while (i < s.size()) {
    char c = s[i];
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (hex && c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      break;
    // Saturate: anything past 0x10FFFF is replaced anyway.
    if (value <= 0x10FFFF) value = value * (hex ? 16 : 10) + d;
    ++i;
  }
  if (i == digits_start) return 0;  // "&#" or "&#x" with no digits: not a reference
  if (i < s.size() && s[i] == ';') ++i;
  char32_t cp;
  if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    cp = 0xFFFD;
  } else if (value >= 0x80 && value <= 0x9F) {
    cp = kC1Windows1252[value - 0x80];
  } else {
    cp = static_cast<char32_t>(value);
  }
  append_utf8(out, cp);
  return i;
}

}  // namespace

size_t decode_char_ref(std::string_view s, std::string& out) {
  if (s.size() < 2 || s[0] != '&') return 0;
  if (s[1] == '#') return decode_numeric(s, out);
  size_t n = 1;
  while (n < s.size() && n - 1 < kMaxNameLen && is_alnum(s[n])) ++n;
  if (n == 1) return 0;
  if (n < s.size() && s[n] == ';') {
    if (const NamedRef* r = find_named(s.substr(1, n))) {
      out.append(r->value);
      return n + 1;
    }
  }
  // No exact match with ';': the longest legacy name (no ';') that is a
  // prefix, e.g. "&copy2024" → "©2024", "&notit;" → "¬it;".
  for (size_t len = n - 1; len >= 2; --len) {
    if (const NamedRef* r = find_named(s.substr(1, len))) {
      out.append(r->value);
      return len + 1;
    }
  }
  return 0;
}

std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t amp = s.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, amp - i));
    size_t used = decode_char_ref(s.substr(amp), out);
    if (used == 0) {
      out.push_back('&');
      used = 1;
    }
    i = amp + used;
  }
  return out;
}

}  // namespace epubtok::epub
