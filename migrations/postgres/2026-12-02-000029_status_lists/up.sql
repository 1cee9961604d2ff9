-- Each credential's entry in its issuer's revocation status list [W3C Bitstring Status List]:
-- 0, 1, 2 … per issuing institution, in the order issued (existing credentials numbered here).
ALTER TABLE certificates ADD COLUMN status_index BIGINT;
UPDATE certificates SET status_index = s.n
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY issuer_id ORDER BY id) - 1 AS n FROM certificates) AS s
WHERE s.id = certificates.id;
CREATE UNIQUE INDEX certificates_status_index ON certificates(issuer_id, status_index);
