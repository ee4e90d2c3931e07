// Checks for the JSON Schema `format` values tool inputs use: email, date, date-time, uri.
#pragma once
#include <string_view>

namespace acmcp::schema::detail {

// local@domain: a dot-atom local part (no quoted forms) and a domain of at least two labels.
// Non-ASCII letters are allowed (internationalised addresses).
bool is_email(std::string_view text);

// RFC 3339 full-date, YYYY-MM-DD, with a real day of that month (leap years included).
bool is_date(std::string_view text);

// RFC 3339 date-time: full-date, 'T' (or 't' or a space), HH:MM:SS, optional fraction, and a
// required offset ('Z' or +HH:MM / -HH:MM). Second 60 only where the time is 23:59 in UTC.
bool is_date_time(std::string_view text);

// RFC 3986 absolute URI: scheme ':' and a non-empty rest of legal (ASCII) URI characters with
// valid %-escapes; for http and https, "//" and a non-empty host are required too. An authority
// ("//" ...) has brackets only around an IP-literal host and a port of digits only.
bool is_uri(std::string_view text);

}  // namespace acmcp::schema::detail
