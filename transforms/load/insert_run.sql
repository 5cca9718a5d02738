INSERT INTO run_history
SELECT $run_id, $flow_run_id, $county_slug, $county, $period, $status, $failed_checks, $error,
       $out_dir, $alert, $started_at, $finished_at
