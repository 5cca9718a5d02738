-- Template: the columns and types a model's SELECT yields ({model}).
DESCRIBE SELECT * FROM ({model})
