"""A first day with a client generated from the published document, used unchanged.

Signs in, creates an institution and a learner, reads both back, and checks that every value
came back as the typed model the document promised (enums included).
Usage: first_day.py BASE_URL EMAIL PASSWORD (the generated package `client` on sys.path).
"""
import datetime
import sys
import uuid

from client import AuthenticatedClient, Client
from client.api.auth import login, me
from client.api.institutions import create_institution, get_institution
from client.api.people import create_learner, get_learner
from client.models import (
    CreateInstitution,
    CreateLearner,
    EducationLevel,
    Gender,
    InstitutionOut,
    LearnerOut,
    LoginRequest,
    LoginResponse,
    MeOut,
    PartyStatus,
    Role,
)

base, email, password = sys.argv[1:4]

answer = login.sync(client=Client(base_url=base), body=LoginRequest(email=email, password=password))
assert isinstance(answer, LoginResponse), answer
assert answer.user.role == Role.SYSTEM_ADMIN, answer.user
api = AuthenticatedClient(base_url=base, token=answer.access_token)

who = me.sync(client=api)
assert isinstance(who, MeOut), who

code = "FD" + uuid.uuid4().hex[:6].upper()
inst = create_institution.sync(
    client=api, body=CreateInstitution(code=code, name="Trường Chính trị tỉnh Hà Nam", tier="provincial_school")
)
assert isinstance(inst, InstitutionOut), inst
again = get_institution.sync(client=api, id=inst.id)
assert isinstance(again, InstitutionOut) and again.code == code and again.name == "Trường Chính trị tỉnh Hà Nam", again

learner = create_learner.sync(
    client=api,
    body=CreateLearner(
        full_name="Nguyễn Thị Ánh Tuyết",
        date_of_birth=datetime.date(1985, 3, 14),
        gender=Gender.FEMALE,
        education_level=EducationLevel.UNIVERSITY,
        institution_id=inst.id,
        party_status=PartyStatus.PROBATIONARY,
        party_admission_date=datetime.date(2025, 9, 2),
    ),
)
assert isinstance(learner, LearnerOut), learner
back = get_learner.sync(client=api, id=learner.id)
assert isinstance(back, LearnerOut), back
assert back.full_name == "Nguyễn Thị Ánh Tuyết" and back.gender == Gender.FEMALE, back
assert back.party_status == PartyStatus.PROBATIONARY and back.institution_id == inst.id, back
print(f"first day: signed in, created {code} and {back.full_name}, read both back")
