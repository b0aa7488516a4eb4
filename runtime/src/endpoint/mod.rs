//! Endpoint rules engine: evaluates a Smithy `endpointRuleSet`.
