//! The verification login: a real OpenID Connect authorization-code login
//! with PKCE through a loopback redirect (RFC 8252), and its diagnosis.
