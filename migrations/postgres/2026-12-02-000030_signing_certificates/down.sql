DROP TABLE signing_certificates;
