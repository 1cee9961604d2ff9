-- Each institution's X.509 signing certificate from a licensed certification authority, used for
-- the PAdES signature of its credential PDFs. The private key and chain are sealed with the
-- server's key (certificates.sealing_key); only the certificate's public facts are in the clear.
CREATE TABLE signing_certificates (
    institution_id TEXT PRIMARY KEY NOT NULL REFERENCES institutions(id),
    subject        TEXT NOT NULL,
    issuer         TEXT NOT NULL,
    serial         TEXT NOT NULL,
    not_before     TIMESTAMP NOT NULL,
    not_after      TIMESTAMP NOT NULL,
    sealed         TEXT NOT NULL,
    installed_by   TEXT NOT NULL REFERENCES users(id),
    installed_at   TIMESTAMP NOT NULL
);
CREATE INDEX signing_certificates_installed_by ON signing_certificates(installed_by);
