INSERT OR REPLACE INTO ref_workdays SELECT day, is_workday FROM incoming_workdays
