# lib.sh — shared by the bench scripts (sourced): machine description and
# replacing one section of docs/benchmarks.md between markers.

machine_line() {
    local cpu mem
    cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)
    mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
    echo "$(nproc) cores ($cpu), $mem RAM, $(uname -sr), $(date -u +%Y-%m-%d)"
}

# write_section FILE NAME CONTENT_FILE: replace <!-- NAME:begin --> .. <!-- NAME:end -->
write_section() {
    local file=$1 name=$2 content=$3
    [ -f "$file" ] || printf '# Benchmarks\n\nEvery section is written by the bench script it names; figures are from one run on the machine it states.\n' >"$file"
    if ! grep -q "<!-- $name:begin -->" "$file"; then
        printf '\n<!-- %s:begin -->\n<!-- %s:end -->\n' "$name" "$name" >>"$file"
    fi
    awk -v name="$name" -v content="$content" '
        $0 == "<!-- " name ":begin -->" { print; while ((getline line < content) > 0) print line; skip = 1; next }
        $0 == "<!-- " name ":end -->" { skip = 0 }
        !skip { print }' "$file" >"$file.tmp" && mv "$file.tmp" "$file"
}

# field KEY LINE: the value of key=value in a bench output line
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
