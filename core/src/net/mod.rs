//! What the verification login and the instance check share on the network:
//! the one HTTP client (https only, loopback excepted; no redirects; size
//! limits and timeouts) and the token that cancels a running wait.

mod cancel;
pub(crate) mod http;

pub use cancel::CancelToken;
