-- Every application of an imported register, as the office entered it (validated by
-- flows/ingest/applications.py), with the due date the legal clock gives it (flows/domain/application_clock.py:
-- NULL while the clock is stopped: awaiting a correction or a consultation still out). Append-only.
CREATE TABLE IF NOT EXISTS raw_applications (
    load_id             VARCHAR NOT NULL,
    row_no              INTEGER NOT NULL,   -- the row in the file
    number              VARCHAR NOT NULL,   -- 编号
    received            DATE NOT NULL,      -- 收到日期 (条例第三十一条)
    channel             VARCHAR NOT NULL,   -- 收到方式
    applicant           VARCHAR NOT NULL,   -- table 三 column: natural | business | research | charity | legal | other_org
    content             VARCHAR,            -- 申请内容
    unit                VARCHAR NOT NULL,   -- 承办单位 (the registry's name when the county has a registry)
    correction_notice   DATE,               -- 补正告知日期
    correction_received DATE,               -- 补正收到日期
    consult_from        DATE,               -- 征求意见开始日期
    consult_to          DATE,               -- 征求意见结束日期
    extended_on         DATE,               -- 延期日期
    extension_approver  VARCHAR,            -- 延期批准人
    answered            DATE,               -- 答复日期 (the posting date of a posted reply)
    answer_channel      VARCHAR,            -- 答复方式
    result              VARCHAR,            -- table 三 row: granted, partial, withheld_secret, …
    review              BOOLEAN NOT NULL,   -- 行政复议
    review_result       VARCHAR,            -- upheld | corrected | other | pending
    litigation          BOOLEAN NOT NULL,   -- 行政诉讼
    litigation_result   VARCHAR,
    due                 DATE,               -- the last day on time
    clock_notes         VARCHAR[],          -- the clock's own defects (a late 补正 notice, a late extension)
    PRIMARY KEY (load_id, number)
);
