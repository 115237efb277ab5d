"""Channel-agnostic conversation flows, their persisted state, and the i18n catalogs (ru, kk)."""
