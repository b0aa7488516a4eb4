//! Client-side runtime: configuration, SigV4 auth and operation invocation.
