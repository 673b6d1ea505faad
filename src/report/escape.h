// Text made safe for the formats culprit writes: git titles and console logs may hold Latin-1
// or broken UTF-8, and HTML, JSON and e-mail must stay valid whatever they hold.
#pragma once

#include <string>
#include <string_view>

namespace culprit::report {

/// `text` as valid UTF-8: each byte that does not start a well-formed sequence (overlong,
/// surrogate, truncated, beyond U+10FFFF) becomes U+FFFD. Valid input comes back unchanged.
std::string ValidUtf8(std::string_view text);

/// Text for HTML content and attribute values: valid UTF-8, `& < > " '` escaped, and control
/// characters other than tab, newline and carriage return replaced by U+FFFD.
std::string HtmlEscape(std::string_view text);

/// A relative path or URL path for an href: every byte outside [A-Za-z0-9/._~-] %-encoded.
std::string UrlPath(std::string_view path);

/// RFC 4648 base64 of `bytes`, without line breaks.
std::string Base64(std::string_view bytes);

}  // namespace culprit::report
