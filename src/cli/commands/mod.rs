//! One module per command.

pub mod audit;
pub mod coverage;
pub mod fix;
pub mod links;
pub mod parse;
