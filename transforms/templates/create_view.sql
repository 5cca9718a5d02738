-- Template: the view of a staging model ({table}: the model's file name; {model}: its SELECT).
CREATE OR REPLACE VIEW {table} AS
{model}
