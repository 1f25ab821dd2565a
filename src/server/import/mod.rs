//! Importers: logs that already exist elsewhere, brought in through the same `ingest::prepare`.
pub mod file;
pub mod newapi;
