//! The OS keychain behind a small `SecretStore` trait.
