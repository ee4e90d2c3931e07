// Validator tests: allOf, anyOf, oneOf, not and if/then/else, including coercion inside them.
#include <gtest/gtest.h>

#include "schema_test_support.hpp"

namespace acmcp::schema::testing {
namespace {

TEST(AllOf, RequiresEveryBranch) {
  const json schema = object_with("X", {{"allOf", {{{"minimum", 1}}, {{"maximum", 5}}}}});
  EXPECT_TRUE(is_valid(schema, {{"X", 3}}));
  EXPECT_EQ(message_for(schema, {{"X", 9}}), "X must be a number <= 5 (got 9).");
}

TEST(AllOf, CoercesInPlace) {
  const json schema = object_with("X", {{"allOf", {{{"type", "integer"}}, {{"minimum", 1}}}}});
  EXPECT_EQ(coerced(schema, {{"X", "3"}})["X"], 3);
}

TEST(AnyOf, AcceptsWhenOneBranchMatches) {
  const json schema = object_with(
      "Id", {{"anyOf", {{{"type", "integer"}}, {{"type", "string"}, {"pattern", "^ext-"}}}}});
  EXPECT_TRUE(is_valid(schema, {{"Id", 3}}));
  EXPECT_TRUE(is_valid(schema, {{"Id", "ext-9"}}));
}

TEST(AnyOf, PrefersValueAsGivenOverCoercion) {
  const json schema = object_with("Id", {{"anyOf", {{{"type", "integer"}}, {{"type", "string"}}}}});
  EXPECT_EQ(coerced(schema, {{"Id", "12"}})["Id"], "12");
}

TEST(AnyOf, CoercesWhenOnlyCoercionMatches) {
  const json schema =
      object_with("Id", {{"anyOf", {{{"type", "integer"}, {"minimum", 1}}, {{"type", "null"}}}}});
  EXPECT_EQ(coerced(schema, {{"Id", "12"}})["Id"], 12);
}

TEST(AnyOf, FailedBranchLeavesNoCoercionBehind) {
  // The first branch coerces "5" to 5 and then fails; the second accepts the original string.
  const json schema = object_with(
      "X", {{"anyOf",
             {{{"type", "integer"}, {"minimum", 10}}, {{"type", "string"}, {"minLength", 1}}}}});
  const json result = coerced(schema, {{"X", "5"}});
  EXPECT_EQ(result["X"], "5");
}

TEST(AnyOf, CombinesTypeExpectations) {
  const json schema = object_with("Id", {{"anyOf", {{{"type", "integer"}}, {{"type", "string"}}}}});
  EXPECT_EQ(message_for(schema, {{"Id", true}}),
            "Id must be an integer or a string (got boolean).");
}

TEST(AnyOf, ReportsTheBranchThatFitTheType) {
  const json schema =
      object_with("Id", {{"anyOf", {{{"type", "integer"}, {"minimum", 1}}, {{"type", "null"}}}}});
  EXPECT_EQ(message_for(schema, {{"Id", 0}}), "Id must be an integer >= 1 (got 0).");
}

TEST(AnyOf, ListsSeveralReasons) {
  const json schema = object_with(
      "X",
      {{"anyOf",
        {{{"type", "string"}, {"minLength", 5}}, {{"type", "string"}, {"pattern", "^[0-9]+$"}}}}});
  EXPECT_EQ(message_for(schema, {{"X", "ab"}}),
            "X does not match any allowed form: X must be at least 5 characters long (got 2 "
            "characters); or X must match the pattern ^[0-9]+$ (got \"ab\").");
}

TEST(AnyOf, RequiredFormsReadAsAtLeastOne) {
  const json schema = {{"type", "object"},
                       {"anyOf", {{{"required", {"Email"}}}, {{"required", {"Phone"}}}}}};
  EXPECT_EQ(message_for(schema, json::object()), "At least one of Email or Phone is required.");
  EXPECT_TRUE(is_valid(schema, {{"Email", "a@b.co"}, {"Phone", "1"}}));
}

const json kExactlyOneId = {
    {"type", "object"},
    {"oneOf", {{{"required", {"ExternalId"}}}, {{"required", {"ExternalCheckoutId"}}}}}};

TEST(OneOf, AcceptsExactlyOneMatch) {
  EXPECT_TRUE(is_valid(kExactlyOneId, {{"ExternalId", "a"}}));
  EXPECT_TRUE(is_valid(kExactlyOneId, {{"ExternalCheckoutId", "b"}}));
}

TEST(OneOf, NoneMatchedWithRequiredForms) {
  EXPECT_EQ(message_for(kExactlyOneId, json::object()),
            "Exactly one of ExternalId or ExternalCheckoutId is required.");
}

TEST(OneOf, SeveralMatchedWithRequiredForms) {
  EXPECT_EQ(message_for(kExactlyOneId, {{"ExternalId", "a"}, {"ExternalCheckoutId", "b"}}),
            "Give only one of ExternalId or ExternalCheckoutId, not both.");
}

TEST(OneOf, MultiNameFormsAreGrouped) {
  const json schema = {{"type", "object"},
                       {"oneOf", {{{"required", {"A", "B"}}}, {{"required", {"C"}}}}}};
  EXPECT_EQ(message_for(schema, {{"A", 1}}), "Exactly one of (A and B) or C is required.");
}

TEST(OneOf, NestedRequiredFormsUseFullPaths) {
  const json schema = object_with(
      "Customer",
      {{"type", "object"}, {"oneOf", {{{"required", {"id"}}}, {{"required", {"email"}}}}}});
  EXPECT_EQ(message_for(schema, {{"Customer", json::object()}}),
            "Exactly one of Customer.id or Customer.email is required.");
}

TEST(OneOf, SeveralMatchedGenerally) {
  const json schema =
      object_with("X", {{"oneOf", {{{"minimum", 0}}, {{"maximum", 10}, {"title", "small"}}}}});
  EXPECT_EQ(message_for(schema, {{"X", 5}}),
            "X matches more than one allowed form (form 1 and small); it must match exactly one.");
}

TEST(OneOf, StrictMatchAvoidsCoercionAmbiguity) {
  const json schema = object_with("Id", {{"oneOf", {{{"type", "integer"}}, {{"type", "string"}}}}});
  EXPECT_TRUE(is_valid(schema, {{"Id", "5"}}));
  EXPECT_EQ(coerced(schema, {{"Id", "5"}})["Id"], "5");
  EXPECT_TRUE(is_valid(schema, {{"Id", 5}}));
}

TEST(OneOf, CoercesThroughTheSingleBranchThatAcceptsIt) {
  const json schema = object_with("Flag", {{"oneOf", {{{"type", "boolean"}}, {{"type", "null"}}}}});
  EXPECT_EQ(coerced(schema, {{"Flag", "true"}})["Flag"], true);
}

TEST(OneOf, AmbiguousCoercionIsAnError) {
  const json schema = object_with("N", {{"oneOf", {{{"type", "integer"}}, {{"type", "number"}}}}});
  EXPECT_FALSE(is_valid(schema, {{"N", "5"}}));
  EXPECT_FALSE(is_valid(schema, {{"N", 5}}));  // an integer is a number too
  EXPECT_TRUE(is_valid(schema, {{"N", 5.5}}));
}

TEST(NotKeyword, RejectsMatchingValue) {
  const json schema = object_with("X", {{"not", {{"const", 0}}}});
  EXPECT_TRUE(is_valid(schema, {{"X", 1}}));
  EXPECT_EQ(message_for(schema, {{"X", 0}}), "X must not be 0.");
}

TEST(NotKeyword, RequiredFormReadsAsMustNotBeGiven) {
  const json schema = {{"type", "object"}, {"not", {{"required", {"Email"}}}}};
  EXPECT_EQ(message_for(schema, {{"Email", "x"}}), "Email must not be given.");
  const json both = {{"type", "object"}, {"not", {{"required", {"A", "B"}}}}};
  EXPECT_TRUE(is_valid(both, {{"A", 1}}));
  EXPECT_EQ(message_for(both, {{"A", 1}, {"B", 2}}), "A and B must not all be given together.");
}

TEST(NotKeyword, GeneralMessage) {
  const json schema = object_with("X", {{"not", {{"type", "string"}}}});
  EXPECT_EQ(message_for(schema, {{"X", "s"}}),
            "X has a value that is not allowed here (got \"s\").");
}

TEST(NotKeyword, DoesNotKeepCoercions) {
  const json schema = object_with("X", {{"not", {{"type", "integer"}, {"minimum", 10}}}});
  EXPECT_EQ(coerced(schema, {{"X", "5"}})["X"], "5");
}

const json kCheckout = json::parse(R"({
  "type": "object",
  "properties": {"ExternalCheckoutId": {"type": "string"}, "AbandonedDate": {"type": "string"}},
  "if": {"required": ["ExternalCheckoutId"]},
  "then": {"required": ["AbandonedDate"]}
})");

TEST(IfThenElse, ThenAppliesWhenConditionHolds) {
  EXPECT_TRUE(is_valid(kCheckout, json::object()));
  EXPECT_TRUE(is_valid(kCheckout, {{"ExternalCheckoutId", "c"}, {"AbandonedDate", "d"}}));
  EXPECT_EQ(message_for(kCheckout, {{"ExternalCheckoutId", "c"}}),
            "AbandonedDate is required when ExternalCheckoutId is given.");
}

const json kCreateContact = json::parse(R"({
  "type": "object",
  "properties": {"Email": {"type": "string", "format": "email"},
                 "AllowNullEmail": {"type": "boolean", "default": false}},
  "if": {"properties": {"AllowNullEmail": {"const": true}}, "required": ["AllowNullEmail"]},
  "else": {"required": ["Email"]}
})");

TEST(IfThenElse, ElseAppliesWhenConditionFails) {
  EXPECT_EQ(message_for(kCreateContact, json::object()),
            "Email is required when AllowNullEmail is not true.");
  EXPECT_TRUE(is_valid(kCreateContact, {{"AllowNullEmail", true}}));
}

TEST(IfThenElse, ConditionSeesCoercedValue) {
  EXPECT_TRUE(is_valid(kCreateContact, {{"AllowNullEmail", "true"}}));
}

TEST(IfThenElse, OtherFailuresArePrefixedWithTheCondition) {
  const json schema = json::parse(R"({
    "type": "object",
    "if": {"required": ["Currency"]},
    "then": {"properties": {"Value": {"type": "integer", "minimum": 0}}, "required": ["Value"]}
  })");
  EXPECT_EQ(message_for(schema, {{"Currency", "usd"}, {"Value", -1}}),
            "When Currency is given, Value must be an integer >= 0 (got -1).");
}

TEST(IfThenElse, WithoutThenOrElseIsANoOp) {
  const json schema = {{"if", {{"required", {"A"}}}}};
  EXPECT_TRUE(is_valid(schema, {{"A", 1}}));
  EXPECT_TRUE(is_valid(schema, json::object()));
}

TEST(IfThenElse, ThenCoercesInPlace) {
  const json schema = json::parse(R"({
    "if": {"required": ["A"]},
    "then": {"properties": {"A": {"type": "integer"}}}
  })");
  EXPECT_EQ(coerced(schema, {{"A", "3"}})["A"], 3);
}

TEST(BooleanSchema, TrueAcceptsAnything) { EXPECT_TRUE(is_valid(true, {{"x", 1}})); }

TEST(BooleanSchema, FalsePropertyIsNotAllowed) {
  const json schema = {{"properties", {{"Legacy", false}}}};
  EXPECT_EQ(message_for(schema, {{"Legacy", 1}}), "Legacy is not allowed.");
}

TEST(UnknownKeywords, AreIgnored) {
  const json schema = json::parse(R"({"type":"object","title":"t","description":"d",
    "$comment":"c","x-internal":1,"examples":[{}],"properties":{"A":{"default":1,
    "description":"a","deprecated":true,"$ref":"#/nowhere"}}})");
  EXPECT_TRUE(is_valid(schema, {{"A", "anything"}}));
}

}  // namespace
}  // namespace acmcp::schema::testing

namespace acmcp::schema::testing {
namespace {

TEST(CombinatorCoercion, ConditionThatNeedsCoercionInsideAnyOfBranch) {
  // Checked as given, "5" is not an integer, so `else` demands B; with coercion `then` applies.
  const json schema = json::parse(R"({"anyOf": [{
    "if": {"properties": {"A": {"type": "integer"}}},
    "then": true,
    "else": {"required": ["B"]}
  }]})");
  EXPECT_TRUE(is_valid(schema, {{"A", "5"}}));
}

TEST(CombinatorCoercion, NestedOneOfInsideAnyOfStillCoerces) {
  const json schema = object_with(
      "X",
      {{"anyOf", {{{"oneOf", {{{"type", "integer"}, {"minimum", 10}}, {{"type", "boolean"}}}}}}}});
  EXPECT_EQ(coerced(schema, {{"X", "12"}})["X"], 12);
  EXPECT_EQ(coerced(schema, {{"X", "false"}})["X"], false);
}

TEST(CombinatorCoercion, BranchesFailingForOtherReasonsAreNotRetried) {
  // Coercion cannot rescue a missing property; the message is still the useful one.
  const json schema = {{"anyOf", {{{"required", {"A"}}}, {{"required", {"B"}}}}}};
  EXPECT_EQ(message_for(schema, {{"C", "1"}}), "At least one of A or B is required.");
}

}  // namespace
}  // namespace acmcp::schema::testing
