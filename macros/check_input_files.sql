{#-
    The checks on an input file (macros/input_files.sql describes the
    inputs), one macro per step, in the order a file meets them. Each step
    refuses the file with a one-line message naming it and the problem
    (_refuse_input), or returns. Three places run them:
    - check_input_file(), on-run-start (check_input_files; as the staging
      model compiles in commands that run no hooks): steps 1-5, which read
      the file's metadata, its first line and, when the CSV sniffer fails,
      the whole file, for lines ending in two ways and for the first bad
      line.
    - check_input_rows_read(), a post-hook of the one model that reads the
      whole file: steps 6-8, no malformed CSV line (DuckDB logged them while
      reading, `store_rejects`), at least one data row and, for order lines,
      slash dates in the order the var slash_date_order says.
    - explain_input_read_errors(), on-run-end, when that model failed: lines
      ending in two ways past the sniffer's sample, or another error that
      stopped the full read (a damaged Parquet page), before any post-hook.
-#}

{% macro check_input_files() -%}
    {#- on-run-start, after the vars: steps 1-5 for each file given, in the
        order customers, order lines. A file refused here stops the run
        before any node, so no seed is loaded and no model built. -#}
    {%- if execute -%}
        {%- do _refuse_one_file_as_both() -%}
    {%- endif -%}
    {%- for input_name in input_files() if execute
        and input_file_path(input_name) is not none -%}
        {%- do check_input_file(input_name, input_file_source(input_name)) -%}
    {%- endfor -%}
    {#- A hook must render to SQL; this one has nothing to run. -#}
    select 1 as input_files_checked
{%- endmacro %}

{% macro check_input_file(input_name, relation) -%}
    {#- Steps 1-5 for the file named by the input's var, which `relation`
        (its source) reads. -#}
    {%- set path = input_file_path(input_name) -%}
    {%- do _check_one_local_file(input_name, path) -%}
    {%- do _check_not_empty(input_name, path) -%}
    {%- if _is_parquet(path) -%}
        {%- do _check_parquet_columns(input_name, path, relation) -%}
    {%- else -%}
        {%- set header_cells = _check_csv_header(input_name, path) -%}
        {%- do _check_csv_reader_opens(
            input_name, path, relation, header_cells
        ) -%}
    {%- endif -%}
{%- endmacro %}

{% macro _check_one_local_file(input_name, path) -%}
    {#- 1. The path names one local file. The checks read it with Python
        too, and DuckDB would try to download an extension for a URL. -#}
    {#- Two letters at least: C://data is a Windows drive. -#}
    {%- if modules.re.match("[A-Za-z][A-Za-z0-9+.-]+://", path) -%}
        {{ _refuse_input(input_name,
            "it is a URL; give the path of a local file (download it first,"
            ~ " or drop the file:// in front of a local path)"
        ) }}
    {%- endif -%}
    {#- DuckDB would read every file a pattern matches as one input, but a
        row is traced back to its line in one file; and it reads a file
        whose name has a wildcard as a pattern, which can match another
        file. -#}
    {%- if _first_value(
        "select segmentation_is_file_named_like_a_pattern("
        ~ sql_literal(path) ~ ")"
    ) -%}
        {{ _refuse_input(input_name,
            "the file's name has a pattern character ('*', '?' or '['),"
            ~ " which DuckDB reads as a pattern, not as that name; rename the"
            ~ " file without it"
        ) }}
    {%- endif -%}
    {%- set files = _first_value(
        "select count(*) from glob(" ~ sql_literal(path) ~ ")"
    ) -%}
    {%- if files == 0 -%}
        {%- if not _first_value(
            "select segmentation_is_folder(" ~ sql_literal(path) ~ ")"
        ) -%}
            {{ _refuse_input(input_name, "file not found") }}
        {%- elif "*" in path or "?" in path or "[" in path -%}
            {#- Glob's wildcards (is_folder tells them the same way). -#}
            {{ _refuse_input(input_name,
                "the pattern matches folders only; give the path of a CSV,"
                ~ " .csv.gz or Parquet file"
            ) }}
        {%- endif -%}
        {{ _refuse_input(input_name,
            "this is a folder; give the path of a CSV, .csv.gz or Parquet"
            ~ " file in it"
        ) }}
    {%- elif files > 1 -%}
        {{ _refuse_input(input_name,
            "the pattern matches " ~ files ~ " files; give the path of one"
            ~ " file (each row is traced back to its line in that file)"
        ) }}
    {%- endif -%}
    {#- A named pipe or a device has no size to check, and reading one
        could wait for another program. -#}
    {%- set kind = _first_value(
        "select segmentation_special_file_kind(" ~ sql_literal(path) ~ ")"
    ) -%}
    {%- if kind -%}
        {{ _refuse_input(input_name,
            "it is " ~ kind ~ ", not a file; give the path of a CSV, .csv.gz"
            ~ " or Parquet file"
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro _check_not_empty(input_name, path) -%}
    {#- 2. It is not empty (the size only: the content is not read). -#}
    {%- if _first_value(
        "select segmentation_file_size(" ~ sql_literal(path) ~ ")"
    ) == 0 -%}
        {{ _refuse_input(input_name, "the file is empty (0 bytes)") }}
    {%- endif -%}
{%- endmacro %}

{% macro _check_parquet_columns(input_name, path, relation) -%}
    {#- 3. A Parquet file's columns come from its schema. -#}
    {%- set problem = _reader_problem(relation | string) -%}
    {%- if problem -%}
        {{ _refuse_input(input_name,
            "DuckDB cannot read it as Parquet (" ~ problem ~ ")"
        ) }}
    {%- endif -%}
    {#- The schema's own names: DuckDB reads a second "price" beside
        "Price" as price_1, which would hide that both are a price. -#}
    {%- set columns = run_query(
        "select c.name, c.nested from (select unnest("
        ~ "segmentation_parquet_columns(" ~ sql_literal(path) ~ ")) as c)"
    ) -%}
    {%- set stored = columns.columns[0].values() | list -%}
    {%- set nested = [] -%}
    {%- for name, is_nested in columns.rows if is_nested -%}
        {%- do nested.append(name) -%}
    {%- endfor -%}
    {%- if not stored -%}
        {#- A file Arrow cannot read that DuckDB can: its schema's
            leaves, which name a struct's fields as columns. -#}
        {%- set stored = run_query(
            "select name from parquet_schema(" ~ sql_literal(path) ~ ")"
            ~ " where num_children is null"
        ).columns[0].values() | list -%}
    {%- endif -%}
    {%- set mapping = _header_map(input_name, stored, stored | join(", ")) -%}
    {%- for column in mapping.values() if column in nested -%}
        {{ _refuse_input(input_name,
            "column '" ~ column ~ "' holds a struct, list or map in each"
            ~ " row, not one value; store it as a plain column"
        ) }}
    {%- endfor -%}
    {%- set headers = _relation_columns(relation) -%}
    {%- do _header_map(input_name, headers, headers | join(", ")) -%}
{%- endmacro %}

{% macro _check_csv_header(input_name, path) -%}
    {#- 4. A CSV file's first line is a header with every required column.
        Some files are plainly something else from their first bytes (gzip
        without a .gz name, an Excel workbook, UTF-16 text); DuckDB's CSV
        reader would only say that its state machine failed. Reading the
        first line fails only when the file cannot be read as text at all
        (a .gz name on a file that is not gzip). -#}
    {%- if not path.lower().endswith(".gz") -%}
        {%- set not_csv = _first_value(
            "select segmentation_not_csv_reason(" ~ sql_literal(path) ~ ")"
        ) -%}
        {%- if not_csv -%}
            {{ _refuse_input(input_name, "not a CSV file: " ~ not_csv) }}
        {%- endif -%}
    {%- endif -%}
    {%- set problem = _reader_problem(_lines_as_text(path)) -%}
    {%- if problem -%}
        {{ _refuse_input(input_name,
            "DuckDB cannot read it as CSV (" ~ problem ~ ")"
        ) }}
    {%- endif -%}
    {#- The first-line reader skips a line that is not UTF-8, so the line
        it gives may be the second, or none. -#}
    {%- set not_utf8 = _first_value(
        "select segmentation_first_line_not_utf8(" ~ sql_literal(path) ~ ")"
    ) -%}
    {%- if not_utf8 -%}
        {{ _refuse_input(input_name,
            "no header row (the first line is not UTF-8 text: " ~ not_utf8
            ~ "); save the file as UTF-8 CSV"
        ) }}
    {%- endif -%}
    {%- set first_lines = _first_lines(path) -%}
    {%- if not first_lines and path.lower().endswith(".gz") -%}
        {#- Step 2 saw the compressed size only. -#}
        {{ _refuse_input(input_name,
            "the file is empty once decompressed (0 bytes)"
        ) }}
    {%- endif -%}
    {%- set first_line = first_lines[0] if first_lines else none -%}
    {%- if first_line is none or not first_line.strip() -%}
        {{ _refuse_input(input_name,
            "no header row (no readable text on the first line; is it a"
            ~ " UTF-8 CSV file?)"
        ) }}
    {%- endif -%}
    {#- Python's csv module splits it: a quoted cell may hold a comma. -#}
    {%- set header_cells = _first_value(
        "select segmentation_header_cells(" ~ sql_literal(first_line) ~ ")"
    ).split("\x1f") -%}
    {%- do _header_map(input_name, header_cells, first_line.strip()) -%}
    {{ return(header_cells) }}
{%- endmacro %}

{% macro _check_csv_reader_opens(input_name, path, relation, header_cells) -%}
    {#- 5. DuckDB's reader can open it: its sniffer reads a sample. When
        it cannot, read the file with the header's columns fixed to name
        the first bad line (a full read, on a file that is refused anyway). -#}
    {%- set problem = _reader_problem(relation | string) -%}
    {%- if problem -%}
        {%- do _refuse_mixed_line_endings(input_name, path) -%}
        {%- do _refuse_first_bad_line(input_name, path, header_cells) -%}
        {{ _refuse_input(input_name,
            "DuckDB cannot read it as CSV (" ~ problem ~ ")"
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro _refuse_mixed_line_endings(input_name, path) -%}
    {#- A CSV file whose lines end in two ways (CRLF and LF, say: lines
        added to a Windows file on Linux) stops DuckDB's strict reader with
        no line to point at. Reads the whole file (segmentation/
        input_checks.py), on a file the reader has already failed on. -#}
    {%- set problem = _mixed_line_endings_problem(path) -%}
    {%- if problem -%}
        {{ _refuse_input(input_name, problem) }}
    {%- endif -%}
{%- endmacro %}

{% macro _mixed_line_endings_problem(path) -%}
    {%- set where = _first_value(
        "select segmentation_mixed_line_endings(" ~ sql_literal(path) ~ ")"
    ) -%}
    {{ return(
        "its lines end in two ways (" ~ where ~ "); save it with one kind"
        ~ " of line ending" if where else none
    ) }}
{%- endmacro %}

{% macro explain_input_read_errors(results) -%}
    {#- on-run-end, when the model that reads an input file whole failed,
        which dbt reports in DuckDB's words: lines ending in two ways past
        the sample the checks on-run-start read, or any other error DuckDB
        meets reading the file (a damaged Parquet page, say), found by
        reading the file once more, in the project's one line. -#}
    {%- set readers = {
        "int_customer_rows_validated": "customers",
        "base_order_lines": "order_lines",
    } -%}
    {%- for result in results if execute
        and result.status == "error"
        and result.node.name in readers
        and "Unusable input" not in (result.message or "") -%}
        {%- set input_name = readers[result.node.name] -%}
        {%- set path = input_file_path(input_name) -%}
        {#- Without a file, the bundled seed is the input. -#}
        {%- if path is not none -%}
            {%- set problem = not _is_parquet(path)
                and _mixed_line_endings_problem(path) -%}
            {%- if not problem -%}
                {%- set read_problem = _first_value(
                    "select segmentation_read_problem("
                    ~ sql_literal(input_file_source(input_name) | string) ~ ")"
                ) -%}
                {#- Text that is not UTF-8 (Latin-1 written by a tool that
                    did not convert it) is the writer's, not damage. -#}
                {%- set fix = "write the file again with its text as UTF-8"
                    if "not valid UTF8" in (read_problem or "")
                    else "if the file is damaged, write or copy it again" -%}
                {%- set problem = read_problem and "DuckDB could not read all"
                    ~ " of it (" ~ read_problem ~ "); " ~ fix -%}
            {%- endif -%}
            {%- if problem -%}
                {%- do log(_unusable_input(input_name, problem), info=true) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro _refuse_one_file_as_both() -%}
    {#- One file given as both inputs would be refused for a missing
        order-lines column, which hides the slip. The same file however its
        paths are spelled (segmentation/input_checks.py). -#}
    {%- set customers_path = var("raw_customers_path") -%}
    {%- set order_lines_path = var("raw_transactions_path") -%}
    {%- if customers_path is not none and order_lines_path is not none
        and _first_value(
            "select segmentation_is_same_file(" ~ sql_literal(customers_path)
            ~ ", " ~ sql_literal(order_lines_path) ~ ")"
        ) -%}
        {{ _var_error(
            "raw_transactions_path", order_lines_path,
            "null (no order lines) or the path of a CSV, .csv.gz or Parquet"
            ~ " file of order lines, not the customer file"
            ~ " (raw_customers_path)"
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro _refuse_first_bad_line(input_name, path, header_cells=none) -%}
    {#- Refuses the file at the first line DuckDB's reader logged as
        malformed on this connection; returns when there is none. Given the
        header's cells, it first reads the file with those columns fixed. -#}
    {%- if header_cells is not none -%}
        {%- set columns = [] -%}
        {%- for cell in header_cells -%}
            {%- do columns.append(sql_literal(cell) ~ ": 'varchar'") -%}
        {%- endfor -%}
        {%- do run_query(
            "select count(*) from read_csv(" ~ sql_literal(path)
            ~ ", header = true, auto_detect = false, delim = ',',"
            ~ " quote = '\"', escape = '\"', store_rejects = true,"
            ~ " hive_partitioning = false,"
            ~ " columns = {" ~ columns | join(", ") ~ "})"
        ) -%}
    {%- endif -%}
    {#- The reader logs the file it read, as DuckDB's glob() names it:
        `~/customers.csv` as /home/me/customers.csv, a pattern as the one
        file it matched. -#}
    {%- set bad_lines = run_query(
        "select errors.line, errors.error_message, scans.file_path,"
        ~ " errors.line_byte_position"
        ~ " from reject_errors as errors"
        ~ " inner join reject_scans as scans"
        ~ " on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id"
        ~ " where errors.scan_id = (select max(latest.scan_id)"
        ~ " from reject_scans as latest"
        ~ " where latest.file_path in (select matched.file from glob("
        ~ sql_literal(path) ~ ") as matched))"
        ~ " order by errors.line limit 1"
    ) -%}
    {%- if bad_lines.rows | length > 0 -%}
        {#- A damaged stretch of a .gz file reads as a malformed line:
            blaming the line would send the user to edit it. -#}
        {%- set damaged = _first_value(
            "select segmentation_gzip_problem("
            ~ sql_literal(bad_lines.rows[0][2]) ~ ")"
        ) -%}
        {%- if damaged -%}
            {{ _refuse_input(input_name,
                "its gzip data is damaged (" ~ damaged
                ~ "); get a fresh copy of the file"
            ) }}
        {%- endif -%}
        {#- Text in another encoding (Latin-1, Windows-1252) is on many
            lines: the fix is the whole file's. -#}
        {%- set fix = "save the file as UTF-8"
            if "not utf-8 encoded" in bad_lines.rows[0][1] | lower
            else "fix or remove that line" -%}
        {#- The reader counts CSV rows; a cell with a line break in quotes
            is one row of two lines. The line as an editor numbers it comes
            from where the row starts in the file. -#}
        {%- set line = _first_value(
            "select coalesce(segmentation_line_number_at("
            ~ sql_literal(bad_lines.rows[0][2]) ~ ", "
            ~ (bad_lines.rows[0][3] if bad_lines.rows[0][3] is not none
                else "null") ~ "), " ~ bad_lines.rows[0][0] ~ ")"
        ) -%}
        {{ _refuse_input(input_name,
            "line " ~ line ~ " is not valid CSV ("
            ~ bad_lines.rows[0][1] ~ "); " ~ fix
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro check_input_rows_read(input_name) -%}
    {#- Post-hook of the model that reads the whole file (its own
        connection, so the reader's reject log is visible). -#}
    {%- set path = input_file_path(input_name) -%}
    {%- set done = "select 1 as " ~ input_name ~ "_rows_checked" -%}
    {%- if not execute or path is none -%}
        {{ return(done) }}
    {%- endif -%}

    {#- 6. No malformed CSV line: the build stops rather than skip it. -#}
    {%- if not _is_parquet(path) -%}
        {%- do _refuse_first_bad_line(input_name, path) -%}
    {%- endif -%}

    {#- 7. At least one data row. -#}
    {%- if _first_value("select count(*) from " ~ this) == 0 -%}
        {{ _refuse_input(input_name, "the file has a header but no data rows") }}
    {%- endif -%}

    {#- 8. Order lines: slash dates in the order slash_date_order says. -#}
    {%- if input_name == "order_lines" -%}
        {%- do _check_slash_date_order(input_name) -%}
    {%- endif -%}
    {{ return(done) }}
{%- endmacro %}

{% macro _check_slash_date_order(input_name) -%}
    {#- Refuses order lines whose D/M or M/D dates are plainly the other way
        round from slash_date_order: at least 3 of them, a tenth of them
        all, and ten times as many as the other way round, would have a
        month above 12. Read the wrong way, such a file loses its lines with
        a day above 12 and misdates the rest, and the build would pass. A
        few such dates among others are bad dates, rejected line by line
        (invalid_invoice_date); a file whose days are all 12 or less cannot
        tell, and is read as the var says. YYYY/MM/DD dates are not in
        question. One pass over the dates: about 0.3 s for 10M lines. Lines
        are counted as in an editor, the header being line 1. Until the
        load commits, DuckDB numbers its rows from a large constant, in
        file order: a line's place is its rowid less the first row's. -#}
    {%- set month_first = slash_date_order() == "month_first" -%}
    {%- set month_part = 1 if month_first else 2 -%}
    {%- set day_part = 2 if month_first else 1 -%}
    {%- set found = run_query(
        "select count(*) filter (where month_number > 12),"
        ~ " count(*) filter (where day_number > 12), count(*),"
        ~ " arg_min(line_number, line_number) filter (where month_number > 12),"
        ~ " arg_min(invoice_date, line_number) filter (where month_number > 12)"
        ~ " from (select rowid - (select min(rowid) from " ~ this ~ ") + 2"
        ~ " as line_number,"
        ~ " trim(invoice_date_raw) as invoice_date,"
        ~ " split_part(invoice_date, '/', 1) as first_part,"
        ~ " try_cast(split_part(invoice_date, '/', " ~ month_part ~ ")"
        ~ " as integer) as month_number,"
        ~ " try_cast(split_part(invoice_date, '/', " ~ day_part ~ ")"
        ~ " as integer) as day_number"
        ~ " from " ~ this ~ " where contains(invoice_date_raw, '/'))"
        ~ " where length(first_part) <= 2"
    ).rows[0] -%}
    {%- set other_way, this_way, dates = found[0], found[1], found[2] -%}
    {%- if other_way >= 3 and other_way * 10 >= dates
        and other_way >= 10 * this_way -%}
        {%- set other = "day_first" if month_first else "month_first" -%}
        {{ _refuse_input(input_name,
            "its dates with slashes are written " ~ other | replace("_", " ")
            ~ ": " ~ "{:,}".format(other_way) ~ " of its "
            ~ "{:,}".format(dates) ~ " would have a month above 12 (line "
            ~ found[3] ~ ": '" ~ found[4] ~ "'), and "
            ~ "{:,}".format(this_way) ~ " a day above 12; set the var"
            ~ " slash_date_order to " ~ other
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro check_order_lines_have_sales() -%}
    {#- Post-hook of int_customer_invoice_months: when a clustering feature
        comes from the order lines and they hold not a single sale line,
        there is nothing to segment, and the later refusal ("only 0 usable
        customer rows") would not say why. Says how the lines fell out,
        with the commonest reason (the first in rule order on a tie) and its
        first line (counted as in an editor, the header being line 1); reads
        the lines only then. -#}
    {%- set done = "select 1 as order_lines_sales_checked" -%}
    {%- set order_line_features = feature_names("order_lines") -%}
    {%- if not execute
        or not (segmentation_settings().features
            | select("in", order_line_features) | list)
        or _first_value(
            "select count(*) from (select 1 from " ~ this
            ~ " where sale_lines > 0 limit 1)"
        ) > 0 -%}
        {{ return(done) }}
    {%- endif -%}
    {%- set counts = run_query(
        "select count(*), count(*) filter (where is_return_line),"
        ~ " count(*) filter (where reject_reason is not null)"
        ~ " from " ~ ref("int_order_lines_validated")
    ).rows[0] -%}
    {%- set reasons = run_query(
        "select reject_reason, count(*) as line_count,"
        ~ " arg_min(source_line_number, source_line_number) + 1,"
        ~ " arg_min(reject_detail, source_line_number)"
        ~ " from " ~ ref("int_order_lines_validated")
        ~ " where reject_reason is not null"
        ~ " group by reject_reason order by line_count desc, "
        ~ reject_reason_order("order_lines")
        ~ " limit 1"
    ).rows -%}
    {%- set why = _count_text(counts[1], "return line") ~ ", "
        ~ _count_text(counts[2], "rejected line") -%}
    {%- if reasons -%}
        {%- set why = why ~ ", most as " ~ reasons[0][0] ~ " ("
            ~ "{:,}".format(reasons[0][1]) ~ "; line " ~ reasons[0][2] ~ ": "
            ~ reasons[0][3] ~ ")" -%}
    {%- endif -%}
    {{ _refuse_input("order_lines",
        "none of its " ~ "{:,}".format(counts[0]) ~ " lines is a sale line ("
        ~ why ~ ")"
    ) }}
{%- endmacro %}

{% macro _count_text(count, noun) -%}
    {{ return("{:,}".format(count) ~ " " ~ noun ~ ("" if count == 1 else "s")) }}
{%- endmacro %}

{% macro _lines_as_text(path) -%}
    {#- The file's lines as one text value each; no CSV parsing can fail.
        DuckDB decompresses a .gz file by its name. Not strict: a line break
        of the other kind inside a quoted cell (LF in a CRLF file, as Excel
        writes a cell's Alt+Enter) would stop the strict reader, with no
        quotes to tell it is inside a cell. -#}
    {{ return(
        "read_csv(" ~ sql_literal(path)
        ~ ", columns = {'line': 'varchar'}, header = false,"
        ~ " auto_detect = false, delim = chr(31), quote = '', escape = '',"
        ~ " ignore_errors = true, strict_mode = false,"
        ~ " hive_partitioning = false)"
    ) }}
{%- endmacro %}

{% macro _first_lines(path) -%}
    {#- A list of the file's first line (NULL when it has no text), or an
        empty list when the file has no line at all. -#}
    {{ return(run_query(
        "select line from " ~ _lines_as_text(path) ~ " limit 1"
    ).columns[0].values() | list) }}
{%- endmacro %}

{% macro _reader_problem(relation_sql) -%}
    {#- None when DuckDB can read the relation's first row, else its error
        in one line (segmentation/input_checks.py). -#}
    {{ return(_first_value(
        "select segmentation_reader_problem(" ~ sql_literal(relation_sql) ~ ")"
    )) }}
{%- endmacro %}
