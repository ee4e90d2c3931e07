// Unit tests for the `format` checks: email, date, date-time, uri.
#include "schema/formats.hpp"

#include <gtest/gtest.h>

namespace acmcp::schema::detail {
namespace {

TEST(EmailFormat, AcceptsCommonAddresses) {
  for (const char* text :
       {"user@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie", "x@a-b.io"}) {
    EXPECT_TRUE(is_email(text)) << text;
  }
}
TEST(EmailFormat, AcceptsInternationalisedAddress) {
  EXPECT_TRUE(is_email("jos\xC3\xA9@exampl\xC3\xA9.fr"));
}
TEST(EmailFormat, RejectsMissingAt) { EXPECT_FALSE(is_email("bob")); }
TEST(EmailFormat, RejectsTwoAts) { EXPECT_FALSE(is_email("a@b@example.com")); }
TEST(EmailFormat, RejectsSingleLabelDomain) { EXPECT_FALSE(is_email("user@localhost")); }
TEST(EmailFormat, RejectsEmptyParts) {
  EXPECT_FALSE(is_email("@example.com"));
  EXPECT_FALSE(is_email("user@"));
}
TEST(EmailFormat, RejectsBadDots) {
  EXPECT_FALSE(is_email(".user@example.com"));
  EXPECT_FALSE(is_email("us..er@example.com"));
  EXPECT_FALSE(is_email("user@example..com"));
  EXPECT_FALSE(is_email("user@example.com."));
}
TEST(EmailFormat, RejectsSpacesAndControlCharacters) {
  EXPECT_FALSE(is_email("us er@example.com"));
  EXPECT_FALSE(is_email(std::string_view("us\0er@example.com", 17)));
}
TEST(EmailFormat, RejectsHyphenAtLabelEdge) { EXPECT_FALSE(is_email("user@-example.com")); }

TEST(DateFormat, AcceptsValidDates) {
  EXPECT_TRUE(is_date("2024-01-31"));
  EXPECT_TRUE(is_date("2024-02-29"));
  EXPECT_TRUE(is_date("2000-02-29"));
}
TEST(DateFormat, RejectsImpossibleDays) {
  EXPECT_FALSE(is_date("2023-02-29"));
  EXPECT_FALSE(is_date("1900-02-29"));
  EXPECT_FALSE(is_date("2024-04-31"));
  EXPECT_FALSE(is_date("2024-13-01"));
  EXPECT_FALSE(is_date("2024-00-10"));
  EXPECT_FALSE(is_date("2024-01-00"));
}
TEST(DateFormat, RejectsOtherLayouts) {
  EXPECT_FALSE(is_date("2024/01/31"));
  EXPECT_FALSE(is_date("31-01-2024"));
  EXPECT_FALSE(is_date("2024-1-31"));
  EXPECT_FALSE(is_date("2024-01-31T00:00:00Z"));
}

TEST(DateTimeFormat, AcceptsUtcAndOffsets) {
  EXPECT_TRUE(is_date_time("2024-01-31T13:45:00Z"));
  EXPECT_TRUE(is_date_time("2024-01-31T13:45:00-05:00"));
  EXPECT_TRUE(is_date_time("2024-01-31t13:45:00z"));
  EXPECT_TRUE(is_date_time("2024-01-31 13:45:00+01:00"));
}
TEST(DateTimeFormat, AcceptsFractionalSeconds) {
  EXPECT_TRUE(is_date_time("2024-01-31T13:45:00.123456Z"));
}
TEST(DateTimeFormat, AcceptsLeapSecond) { EXPECT_TRUE(is_date_time("2016-12-31T23:59:60Z")); }

// RFC 3339: a leap second is 23:59:60 in UTC, so with an offset it falls at another local time.
TEST(DateTimeFormat, LeapSecondOnlyAtTheLastMinuteOfTheUtcDay) {
  EXPECT_TRUE(is_date_time("1998-12-31T15:59:60.123-08:00"));
  EXPECT_TRUE(is_date_time("1999-01-01T00:29:60+00:30"));
  EXPECT_FALSE(is_date_time("1998-12-31T23:58:60Z"));
  EXPECT_FALSE(is_date_time("1998-12-31T22:59:60Z"));
  EXPECT_FALSE(is_date_time("1998-12-31T23:59:60+01:00"));
  EXPECT_FALSE(is_date_time("1998-12-31T23:59:60-00:30"));
}
TEST(DateTimeFormat, RejectsMissingOffset) { EXPECT_FALSE(is_date_time("2024-01-31T13:45:00")); }
TEST(DateTimeFormat, RejectsOutOfRangeFields) {
  EXPECT_FALSE(is_date_time("2024-01-31T24:00:00Z"));
  EXPECT_FALSE(is_date_time("2024-01-31T12:60:00Z"));
  EXPECT_FALSE(is_date_time("2024-01-31T12:00:61Z"));
  EXPECT_FALSE(is_date_time("2024-02-30T12:00:00Z"));
  EXPECT_FALSE(is_date_time("2024-01-31T12:00:00+24:00"));
}
TEST(DateTimeFormat, RejectsMalformedParts) {
  EXPECT_FALSE(is_date_time("2024-01-31T12:00Z"));
  EXPECT_FALSE(is_date_time("2024-01-31T12:00:00.Z"));
  EXPECT_FALSE(is_date_time("2024-01-31T12:00:00+0100"));
  EXPECT_FALSE(is_date_time("2024-01-31"));
}

TEST(UriFormat, AcceptsWebAddresses) {
  EXPECT_TRUE(is_uri("https://www.acme.com"));
  EXPECT_TRUE(is_uri("http://example.com:8080/a/b?x=1&y=%20#frag"));
  EXPECT_TRUE(is_uri("HTTPS://user@example.com/"));
}
TEST(UriFormat, AcceptsOtherSchemes) {
  EXPECT_TRUE(is_uri("mailto:user@example.com"));
  EXPECT_TRUE(is_uri("urn:isbn:0451450523"));
}
TEST(UriFormat, RejectsRelativeReferences) {
  EXPECT_FALSE(is_uri("www.acme.com"));
  EXPECT_FALSE(is_uri("/path/only"));
  EXPECT_FALSE(is_uri("//example.com"));
}
TEST(UriFormat, RejectsSpacesAndBadEscapes) {
  EXPECT_FALSE(is_uri("https://example.com/a b"));
  EXPECT_FALSE(is_uri("https://example.com/%zz"));
  EXPECT_FALSE(is_uri("https://example.com/%2"));
}
TEST(UriFormat, RejectsHttpWithoutHost) {
  EXPECT_FALSE(is_uri("https:example.com"));
  EXPECT_FALSE(is_uri("https:///path"));
}
// RFC 3986 authority: brackets enclose an IP-literal host only, and a port is digits.
TEST(UriFormat, ChecksTheAuthority) {
  EXPECT_TRUE(is_uri("http://[2001:db8::7]:8080/c=GB?objectClass?one"));
  EXPECT_TRUE(is_uri("http://[::ffff:192.0.2.1]/"));
  EXPECT_TRUE(is_uri("http://example.com:/path"));
  EXPECT_TRUE(is_uri("ldap://[2001:db8::7]/c=GB"));
  EXPECT_TRUE(is_uri("file:///etc/hosts"));
  EXPECT_FALSE(is_uri("https://[@example.org/test.txt"));
  EXPECT_FALSE(is_uri("http://example.com:abc/path"));
  EXPECT_FALSE(is_uri("http://[::ffff:01.2.3.4]"));
  EXPECT_FALSE(is_uri("http://[::ffff:1.2.3.256]"));
  EXPECT_FALSE(is_uri("http://[2001:db8::7/"));
  EXPECT_FALSE(is_uri("http://[2001:db8::7]x/"));
  EXPECT_FALSE(is_uri("http://exa[mple.com/"));
  EXPECT_FALSE(is_uri("http://[]/"));
}
TEST(UriFormat, RejectsBadScheme) {
  EXPECT_FALSE(is_uri("1http://example.com"));
  EXPECT_FALSE(is_uri(":nothing"));
  EXPECT_FALSE(is_uri("https:"));
}

}  // namespace
}  // namespace acmcp::schema::detail
