//! Configuration: TOML -> raw serde structs -> validated, typed `Config`.
