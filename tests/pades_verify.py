"""Checks the PAdES signature of a PDF the way an independent reader does (pyHanko): the signed
byte range is intact, the CMS signature verifies, and the signer's certificate chains to the
given root. Prints one JSON line; exits 0 when all of it holds, 1 otherwise.

    python3 pades_verify.py file.pdf root-ca.pem
"""
import json
import sys

from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

pdf_path, ca_path = sys.argv[1], sys.argv[2]
context = ValidationContext(trust_roots=[load_cert_from_pemder(ca_path)])
with open(pdf_path, "rb") as f:
    signatures = PdfFileReader(f).embedded_signatures
    if len(signatures) != 1:
        print(json.dumps({"signatures": len(signatures)}))
        sys.exit(1)
    sig = signatures[0]
    status = validate_pdf_signature(sig, context)
    report = {
        "signatures": 1,
        "intact": status.intact,
        "valid": status.valid,
        "trusted": status.trusted,
        "coverage": str(status.coverage),
        "signer": status.signing_cert.subject.human_friendly,
        "signed_at": str(status.signer_reported_dt),
        "sub_filter": str(sig.sig_object.get("/SubFilter")),
    }
    print(json.dumps(report, ensure_ascii=False))
    sys.exit(0 if status.bottom_line else 1)
