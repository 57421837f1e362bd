//! Selectors: phones, e-mails, URLs, handles, wallets, IBANs, prices and stated ages.
