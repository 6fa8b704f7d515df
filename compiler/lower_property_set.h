// PropertySet documents (polc.io/v1alpha1, docs/PROPERTIES.md): the
// user's assertions for `polc verify`. Read strictly, like PolicyTests:
// every object goes through a FieldReader, so a misspelt field is an error
// with a did-you-mean hint rather than a silently weaker assertion.
#pragma once

#include "compiler/field_reader.h"
#include "compiler/loader.h"
#include "ir/property_set.h"

namespace polc::compiler {

// Lowers one PropertySet object. Errors use the schema rule ids
// (unknown-field, wrong-type, invalid-value, missing-field,
// conflicting-fields) at the offending node; an assertion with any error
// is dropped rather than proved half-read.
ir::PropertySet LowerPropertySet(const KubeObject& object, LowerContext& ctx);

}  // namespace polc::compiler
