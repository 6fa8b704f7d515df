// PolicyTest documents (polc.io/v1alpha1, ../shared/reference/policy-test-format.md).
//
// Unlike inventory manifests, a PolicyTest is read strictly: every object goes
// through a FieldReader, so an unknown or misspelt field is an error with a
// did-you-mean hint, "so that a typo never turns into a silently passing test".
#pragma once

#include "compiler/field_reader.h"
#include "compiler/loader.h"
#include "ir/policy_test.h"

namespace polc::compiler {

// Lowers one PolicyTest object. Errors use the schema rule ids
// (unknown-field, wrong-type, invalid-value, missing-field,
// conflicting-fields). The inline inventory is completed with
// CompleteNamespaces (namespaces used but not declared exist with the
// kubernetes.io/metadata.name label only); its endpoints have kind
// kTestEndpoint.
ir::PolicyTest LowerPolicyTest(const KubeObject& object, LowerContext& ctx);

// spec.inventory of a PolicyTest (namespaces, nodes, endpoints, services,
// kubeAPIServer, dns), read strictly. Duplicate endpoints, nodes, namespaces
// and services give inventory-duplicate; a Service selecting no endpoint
// gives inventory-service-selects-nothing. Namespaces are not completed here
// (LowerPolicyTest does it).
ir::Inventory LowerInlineInventory(const YamlNode& node, LowerContext& ctx);

}  // namespace polc::compiler
