#!/usr/bin/env python3
"""An independent check of an eddsa-jcs-2022 proof (W3C Data Integrity EdDSA Cryptosuites v1.0),
written apart from the service's own code: RFC 8785 by the `rfc8785` package, Ed25519 by
`cryptography`, base58 by `base58`. The key is looked up in the DID document given.

usage: vc_verify.py credential.json did.json   (exit 0 and "verified" when the proof holds)
"""
import copy
import hashlib
import json
import sys

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def z_decode(s: str) -> bytes:
    assert s[0] == "z", "expected base58btc multibase"
    return base58.b58decode(s[1:])


def key_of(did_doc: dict, method: str) -> bytes:
    assert method in did_doc["assertionMethod"], "the key is not an assertion method of the issuer"
    vm = next(m for m in did_doc["verificationMethod"] if m["id"] == method)
    raw = z_decode(vm["publicKeyMultibase"])
    assert raw[:2] == b"\xed\x01" and len(raw) == 34, "not an Ed25519 multikey"
    return raw[2:]


def verify(secured: dict, did_doc: dict) -> bool:
    doc = copy.deepcopy(secured)
    proof = doc.pop("proof")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    assert options["type"] == "DataIntegrityProof" and options["cryptosuite"] == "eddsa-jcs-2022"
    assert options["verificationMethod"].split("#")[0] == did_doc["id"] == doc["issuer"]["id"]
    if "@context" in options:
        theirs = options["@context"] if isinstance(options["@context"], list) else [options["@context"]]
        ours = doc.get("@context", [])
        ours = ours if isinstance(ours, list) else [ours]
        if ours[: len(theirs)] != theirs:
            return False
        doc["@context"] = options["@context"]
    data = hashlib.sha256(rfc8785.dumps(options)).digest() + hashlib.sha256(rfc8785.dumps(doc)).digest()
    try:
        key = Ed25519PublicKey.from_public_bytes(key_of(did_doc, options["verificationMethod"]))
        key.verify(z_decode(proof["proofValue"]), data)
        return True
    except InvalidSignature:
        return False


if __name__ == "__main__":
    secured = json.load(open(sys.argv[1], encoding="utf-8"))
    did_doc = json.load(open(sys.argv[2], encoding="utf-8"))
    ok = verify(secured, did_doc)
    print("verified" if ok else "NOT verified")
    sys.exit(0 if ok else 1)
