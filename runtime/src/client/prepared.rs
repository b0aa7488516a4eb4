//! The runtime plugins a configuration keeps for the operations it has called (see
//! [`PreparedCalls`]).

use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugins;
use std::any::TypeId;
use std::sync::RwLock;

/// Which calls share one set of prepared runtime plugins: the same operation, with the same
/// input, output and error types and the same serializer and deserializer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PreparedKey {
    pub(crate) operation: usize,
    pub(crate) types: TypeId,
    pub(crate) serializer: usize,
    pub(crate) deserializer: (usize, Option<usize>),
}

/// The runtime plugins [`invoke`](super::invoke) prepared for each operation called with one configuration
/// (kept by the configuration, so an override, a new configuration, starts empty). Building
/// them costs a call as much as the rest of its own work: a call of an operation seen before
/// clones them (a few reference counts) instead. One entry per operation called, at most the
/// operations of the services the configuration is used with.
#[derive(Debug, Default)]
pub(crate) struct PreparedCalls(RwLock<Vec<(PreparedKey, RuntimePlugins)>>);

impl PreparedCalls {
    pub(crate) fn get(&self, key: &PreparedKey) -> Option<RuntimePlugins> {
        // A poisoned lock only means another thread panicked while holding it; the list is intact.
        let prepared = self.0.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        prepared.iter().find(|(k, _)| k == key).map(|(_, plugins)| plugins.clone())
    }

    pub(crate) fn insert(&self, key: PreparedKey, plugins: &RuntimePlugins) {
        let mut prepared = self.0.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !prepared.iter().any(|(k, _)| *k == key) {
            prepared.push((key, plugins.clone()));
        }
    }
}
