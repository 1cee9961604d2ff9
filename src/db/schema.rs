//! The one schema both backends share: ids and enums as `Text`, UTC `Timestamp`s. Hand-written so
//! that it uses only types both backends have; both migration trees must match it.

diesel::table! {
    institution_tiers (code) {
        code -> Text,
        name -> Text,
        name_vi -> Text,
        position -> Integer,
        valid_from -> Nullable<Date>,
        valid_until -> Nullable<Date>,
    }
}

diesel::table! {
    institutions (id) {
        id -> Text,
        parent_id -> Nullable<Text>,
        path -> Text,
        code -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        tier -> Text,
        province -> Nullable<Text>,
        address -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        signer_name -> Nullable<Text>,
        signer_title -> Nullable<Text>,
        evidence_required -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        full_name -> Text,
        role -> Text,
        institution_id -> Nullable<Text>,
        status -> Text,
        last_login_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sending_unit_id -> Nullable<Text>,
    }
}

diesel::table! {
    auth_tokens (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (user_id, idem_key) {
        user_id -> Text,
        idem_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        response_etag -> Nullable<Text>,
        response_location -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    programs (id) {
        id -> Text,
        code -> Text,
        title -> Text,
        title_key -> Text,
        level -> Text,
        edition -> Text,
        credential -> Text,
        owner_institution_id -> Nullable<Text>,
        owner_key -> Text,
        description -> Nullable<Text>,
        status -> Text,
        previous_id -> Nullable<Text>,
        rules -> Text,
        published_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    program_modules (id) {
        id -> Text,
        program_id -> Text,
        code -> Text,
        title -> Text,
        hours -> Integer,
        position -> Integer,
        assessment -> Text,
        part -> Nullable<Text>,
        graduation_exam -> Bool,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tier_levels (tier, level) {
        tier -> Text,
        level -> Text,
    }
}

diesel::table! {
    learners (id) {
        id -> Text,
        institution_id -> Text,
        user_id -> Nullable<Text>,
        full_name -> Text,
        family_name -> Text,
        middle_name -> Text,
        given_name -> Text,
        name_key -> Text,
        sort_key -> Text,
        date_of_birth -> Date,
        gender -> Text,
        ethnicity -> Nullable<Text>,
        hometown -> Nullable<Text>,
        national_id -> Nullable<Text>,
        workplace -> Nullable<Text>,
        position -> Nullable<Text>,
        sending_unit -> Nullable<Text>,
        education_level -> Text,
        party_status -> Text,
        party_admission_date -> Nullable<Date>,
        party_official_date -> Nullable<Date>,
        mass_org_member -> Bool,
        local_official -> Bool,
        prior_llct_level -> Text,
        prior_llct_year -> Nullable<Integer>,
        prior_llct_credential -> Nullable<Text>,
        performance_ratings -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        committee_member_since -> Nullable<Date>,
        succession_post -> Nullable<Text>,
        succession_since -> Nullable<Date>,
    }
}

diesel::table! {
    lecturers (id) {
        id -> Text,
        institution_id -> Text,
        user_id -> Nullable<Text>,
        full_name -> Text,
        family_name -> Text,
        middle_name -> Text,
        given_name -> Text,
        name_key -> Text,
        sort_key -> Text,
        date_of_birth -> Nullable<Date>,
        gender -> Nullable<Text>,
        national_id -> Nullable<Text>,
        kind -> Text,
        rank -> Text,
        academic_title -> Nullable<Text>,
        subjects -> Text,
        rate_category -> Nullable<Text>,
        workplace -> Nullable<Text>,
        position -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        degree -> Nullable<Text>,
        degree_on -> Nullable<Date>,
        llct_level -> Text,
        llct_level_on -> Nullable<Date>,
        teaching_certificate_on -> Nullable<Date>,
        probation_year -> Nullable<Integer>,
        norm_adjustment_pct -> Nullable<Integer>,
    }
}

diesel::table! {
    cohorts (id) {
        id -> Text,
        institution_id -> Text,
        program_id -> Text,
        code -> Text,
        title -> Text,
        mode -> Text,
        starts_on -> Date,
        ends_on -> Date,
        capacity -> Integer,
        enrolled_count -> Integer,
        venue_institution_id -> Nullable<Text>,
        location -> Nullable<Text>,
        head_teacher_id -> Nullable<Text>,
        regulation -> Text,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    enrollments (id) {
        id -> Text,
        cohort_id -> Text,
        learner_id -> Text,
        institution_id -> Text,
        status -> Text,
        enrolled_on -> Date,
        withdrawn_on -> Nullable<Date>,
        withdraw_reason -> Nullable<Text>,
        overrides -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assignments (id) {
        id -> Text,
        cohort_id -> Text,
        module_id -> Text,
        lecturer_id -> Text,
        institution_id -> Text,
        role -> Text,
        planned_hours -> Integer,
        created_at -> Timestamp,
        overrides -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        cohort_id -> Text,
        module_id -> Text,
        lecturer_id -> Text,
        institution_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        place -> Text,
        place_key -> Text,
        status -> Text,
        note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        roll_version -> BigInt,
    }
}

diesel::table! {
    schedule_events (id) {
        id -> Text,
        kind -> Text,
        session_id -> Text,
        cohort_id -> Text,
        detail -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendar_tokens (user_id) {
        user_id -> Text,
        token -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attendance (id) {
        id -> Text,
        session_id -> Text,
        learner_id -> Text,
        cohort_id -> Text,
        institution_id -> Text,
        status -> Text,
        minutes_late -> Nullable<Integer>,
        note -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    attendance_changes (id) {
        id -> Text,
        session_id -> Text,
        learner_id -> Text,
        old_status -> Nullable<Text>,
        new_status -> Text,
        old_note -> Nullable<Text>,
        new_note -> Nullable<Text>,
        reason -> Nullable<Text>,
        changed_by -> Text,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    makeups (id) {
        id -> Text,
        cohort_id -> Text,
        learner_id -> Text,
        module_id -> Text,
        minutes -> Integer,
        reason -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    field_trips (id) {
        id -> Text,
        cohort_id -> Text,
        institution_id -> Text,
        destination -> Text,
        starts_on -> Date,
        ends_on -> Date,
        leader -> Text,
        report_due_on -> Date,
        description -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    field_trip_lecturers (field_trip_id, lecturer_id) {
        field_trip_id -> Text,
        lecturer_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    field_reports (id) {
        id -> Text,
        field_trip_id -> Text,
        learner_id -> Text,
        institution_id -> Text,
        body -> Nullable<Text>,
        file_name -> Nullable<Text>,
        file_type -> Nullable<Text>,
        file_size -> Nullable<Integer>,
        file_data -> Nullable<Binary>,
        submitted_at -> Nullable<Timestamp>,
        late -> Bool,
        grade_tenths -> Nullable<Integer>,
        grade_comment -> Nullable<Text>,
        graded_by -> Nullable<Text>,
        graded_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    exams (id) {
        id -> Text,
        cohort_id -> Text,
        institution_id -> Text,
        kind -> Text,
        module_id -> Nullable<Text>,
        subject_code -> Nullable<Text>,
        retake_of_id -> Nullable<Text>,
        title -> Text,
        held_on -> Date,
        place -> Nullable<Text>,
        form -> Text,
        blind -> Bool,
        double_marking -> Bool,
        grading_deadline -> Date,
        status -> Text,
        sealed_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        locked_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        start_time -> Nullable<Text>,
        duration_minutes -> Nullable<Integer>,
        drawn_by -> Nullable<Text>,
        drawn_at -> Nullable<Timestamp>,
        rooms -> Text,
    }
}

diesel::table! {
    exam_graders (exam_id, lecturer_id) {
        exam_id -> Text,
        lecturer_id -> Text,
    }
}

diesel::table! {
    grades (id) {
        id -> Text,
        exam_id -> Text,
        learner_id -> Text,
        institution_id -> Text,
        code -> Text,
        presence -> Text,
        value_tenths -> Nullable<Integer>,
        first_tenths -> Nullable<Integer>,
        first_by -> Nullable<Text>,
        second_tenths -> Nullable<Integer>,
        second_by -> Nullable<Text>,
        third_tenths -> Nullable<Integer>,
        third_by -> Nullable<Text>,
        status -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    grade_changes (id) {
        id -> Text,
        grade_id -> Text,
        changed_by -> Text,
        changed_at -> Timestamp,
        what -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        reason -> Nullable<Text>,
        on_behalf_of -> Nullable<Text>,
        sheet_reference -> Nullable<Text>,
    }
}

diesel::table! {
    appeals (id) {
        id -> Text,
        exam_id -> Text,
        grade_id -> Text,
        learner_id -> Text,
        institution_id -> Text,
        reason -> Text,
        status -> Text,
        reviewer_id -> Nullable<Text>,
        old_tenths -> Nullable<Integer>,
        new_tenths -> Nullable<Integer>,
        resolution -> Nullable<Text>,
        resolved_by -> Nullable<Text>,
        filed_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        request_id -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        institution_id -> Nullable<Text>,
        client_addr -> Nullable<Text>,
        method -> Text,
        path -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        summary -> Nullable<Text>,
    }
}

diesel::table! {
    conduct (id) {
        id -> Text,
        cohort_id -> Text,
        learner_id -> Text,
        institution_id -> Text,
        political -> Text,
        discipline -> Text,
        class_rules -> Text,
        comment -> Nullable<Text>,
        measure -> Nullable<Text>,
        measure_on -> Nullable<Date>,
        measure_reason -> Nullable<Text>,
        recorded_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    signing_keys (id) {
        id -> Text,
        institution_id -> Text,
        algorithm -> Text,
        public_key -> Text,
        secret_key -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    data_version (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    signing_certificates (institution_id) {
        institution_id -> Text,
        subject -> Text,
        issuer -> Text,
        serial -> Text,
        not_before -> Timestamp,
        not_after -> Timestamp,
        sealed -> Text,
        installed_by -> Text,
        installed_at -> Timestamp,
    }
}

diesel::table! {
    credential_counters (institution_id, year) {
        institution_id -> Text,
        year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    certificates (id) {
        id -> Text,
        institution_id -> Text,
        issuer_id -> Text,
        cohort_id -> Text,
        learner_id -> Text,
        kind -> Text,
        status -> Text,
        year -> Integer,
        number -> Integer,
        serial -> Text,
        register_no -> Text,
        verification_code -> Text,
        facts -> Text,
        key_id -> Text,
        signature -> Text,
        replaces_id -> Nullable<Text>,
        replaced_by_id -> Nullable<Text>,
        issued_at -> Timestamp,
        issued_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revoke_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        status_index -> Nullable<BigInt>,
    }
}

diesel::table! {
    register_entries (id) {
        id -> Text,
        certificate_id -> Text,
        institution_id -> Text,
        cohort_id -> Text,
        event -> Text,
        serial -> Text,
        register_no -> Text,
        holder -> Text,
        related_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
    }
}

diesel::table! {
    job_runs (id) {
        id -> Text,
        job -> Text,
        occurrence -> Text,
        trigger -> Text,
        runner -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        outcome -> Text,
        counts -> Text,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    job_leases (job) {
        job -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        dedupe_key -> Text,
        kind -> Text,
        user_id -> Nullable<Text>,
        institution_id -> Nullable<Text>,
        recipient -> Text,
        recipient_name -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        attachment_name -> Nullable<Text>,
        attachment -> Nullable<Binary>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_opt_outs (user_id, kind) {
        user_id -> Text,
        kind -> Text,
    }
}

diesel::table! {
    result_snapshots (cohort_id, learner_id) {
        cohort_id -> Text,
        learner_id -> Text,
        institution_id -> Text,
        outcome -> Text,
        average_tenths -> Nullable<Integer>,
        classification -> Nullable<Text>,
        failed_on -> Text,
        reasons -> Text,
        computed_at -> Timestamp,
        result -> Nullable<Text>,
    }
}

diesel::table! {
    result_outcomes (cohort_id, outcome, classification) {
        cohort_id -> Text,
        outcome -> Text,
        classification -> Text,
        learners -> Integer,
    }
}

diesel::table! {
    result_failures (cohort_id, reason) {
        cohort_id -> Text,
        reason -> Text,
        learners -> Integer,
    }
}

diesel::table! {
    graduation_decisions (cohort_id) {
        cohort_id -> Text,
        institution_id -> Text,
        number -> Text,
        decided_on -> Date,
        signer_name -> Text,
        signer_title -> Text,
        overrides -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    message_languages (user_id) {
        user_id -> Text,
        language -> Text,
    }
}

diesel::table! {
    sending_units (id) {
        id -> Text,
        institution_id -> Text,
        name -> Text,
        name_key -> Text,
        email -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    institution_merges (institution_id) {
        institution_id -> Text,
        merged_into_id -> Text,
        moved -> Text,
        merged_by -> Text,
        merged_at -> Timestamp,
    }
}

diesel::table! {
    learner_merges (id) {
        id -> Text,
        removed_id -> Text,
        kept_id -> Text,
        removed_record -> Text,
        moved -> Text,
        merged_by -> Text,
        merged_at -> Timestamp,
    }
}

diesel::table! {
    learner_words (word, sort_key, learner_id) {
        word -> Text,
        sort_key -> Text,
        learner_id -> Text,
    }
}

diesel::table! {
    credential_records (id) {
        id -> Text,
        institution_id -> Text,
        learner_id -> Text,
        level -> Text,
        program_title -> Text,
        classification -> Nullable<Text>,
        serial -> Text,
        register_no -> Text,
        issued_on -> Date,
        issuer_id -> Nullable<Text>,
        issuer_name -> Text,
        issuer_key -> Text,
        verification_code -> Text,
        register -> Text,
        import_id -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rule_sets (id) {
        id -> Text,
        code -> Text,
        title -> Text,
        effective_from -> Date,
        rules -> Text,
        builtin -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    training_plans (id) {
        id -> Text,
        institution_id -> Text,
        year -> Integer,
        revision -> Integer,
        replaces_id -> Nullable<Text>,
        status -> Text,
        lines -> Text,
        note -> Nullable<Text>,
        created_by -> Text,
        submitted_at -> Nullable<Timestamp>,
        submitted_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        decision_no -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    inspections (id) {
        id -> Text,
        institution_id -> Text,
        inspector_institution_id -> Nullable<Text>,
        kind -> Text,
        title -> Text,
        held_on -> Date,
        period_from -> Date,
        period_to -> Date,
        team -> Text,
        findings -> Text,
        recommendations -> Text,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    nominations (id) {
        id -> Text,
        institution_id -> Text,
        sending_unit_id -> Text,
        decision_no -> Text,
        decision_on -> Date,
        cohort_id -> Nullable<Text>,
        program_id -> Nullable<Text>,
        year -> Nullable<Integer>,
        note -> Nullable<Text>,
        status -> Text,
        people_count -> Integer,
        pending_count -> Integer,
        submitted_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    nominated_people (id) {
        id -> Text,
        nomination_id -> Text,
        position -> Integer,
        learner_id -> Text,
        created_learner -> Bool,
        status -> Text,
        reasons -> Text,
        cohort_id -> Nullable<Text>,
        enrollment_id -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(credential_records -> learners (learner_id));
diesel::joinable!(nominated_people -> nominations (nomination_id));
diesel::joinable!(nominated_people -> learners (learner_id));
diesel::joinable!(training_plans -> institutions (institution_id));
diesel::joinable!(users -> institutions (institution_id));
diesel::joinable!(signing_certificates -> institutions (institution_id));
diesel::joinable!(register_entries -> certificates (certificate_id));
diesel::joinable!(certificates -> learners (learner_id));
diesel::joinable!(certificates -> cohorts (cohort_id));
diesel::joinable!(conduct -> learners (learner_id));
diesel::joinable!(grades -> exams (exam_id));
diesel::joinable!(grades -> learners (learner_id));
diesel::joinable!(exam_graders -> exams (exam_id));
diesel::joinable!(exams -> cohorts (cohort_id));
diesel::joinable!(attendance -> learners (learner_id));
diesel::joinable!(attendance -> sessions (session_id));
diesel::joinable!(field_reports -> learners (learner_id));
diesel::joinable!(field_reports -> field_trips (field_trip_id));
diesel::joinable!(field_trip_lecturers -> field_trips (field_trip_id));
diesel::joinable!(field_trip_lecturers -> lecturers (lecturer_id));
diesel::joinable!(field_trips -> cohorts (cohort_id));
diesel::joinable!(cohorts -> programs (program_id));
diesel::joinable!(enrollments -> cohorts (cohort_id));
diesel::joinable!(enrollments -> learners (learner_id));
diesel::joinable!(assignments -> cohorts (cohort_id));
diesel::joinable!(assignments -> program_modules (module_id));
diesel::joinable!(assignments -> lecturers (lecturer_id));
diesel::joinable!(sessions -> cohorts (cohort_id));
diesel::joinable!(sessions -> program_modules (module_id));
diesel::joinable!(sessions -> lecturers (lecturer_id));
diesel::joinable!(learners -> institutions (institution_id));
diesel::joinable!(lecturers -> institutions (institution_id));
diesel::joinable!(programs -> institutions (owner_institution_id));
diesel::joinable!(program_modules -> programs (program_id));
diesel::joinable!(auth_tokens -> users (user_id));
diesel::joinable!(institutions -> institution_tiers (tier));

diesel::allow_tables_to_appear_in_same_query!(
    institution_tiers,
    institutions,
    users,
    auth_tokens,
    idempotency_keys,
    programs,
    program_modules,
    tier_levels,
    learners,
    lecturers,
    cohorts,
    enrollments,
    assignments,
    sessions,
    schedule_events,
    calendar_tokens,
    attendance,
    attendance_changes,
    makeups,
    field_trips,
    field_trip_lecturers,
    field_reports,
    exams,
    exam_graders,
    grades,
    grade_changes,
    appeals,
    audit_log,
    conduct,
    signing_keys,
    signing_certificates,
    data_version,
    credential_counters,
    certificates,
    register_entries,
    credential_records,
    rule_sets,
    training_plans,
    inspections,
    nominations,
    nominated_people,
    job_runs,
    job_leases,
    outbox,
    notification_opt_outs,
    result_snapshots,
    result_outcomes,
    result_failures,
    graduation_decisions,
    message_languages,
    sending_units,
    institution_merges,
    learner_merges,
    learner_words,
);
