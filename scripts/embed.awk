# embed.awk — turn a text file into a C string constant.
# Usage: awk -v name=SYMBOL -f embed.awk FILE > FILE.c
# Backslashes, quotes and '?' (no trigraphs) are escaped one character at a
# time, which behaves the same under every awk; other bytes pass through.
BEGIN {
    print "/* Generated from the built-in data file by scripts/embed.awk: do not edit. */"
    print "#include <stddef.h>"
    printf "const char %s[] =\n", name
}
{
    out = ""
    n = length($0)
    for (i = 1; i <= n; i++) {
        c = substr($0, i, 1)
        if (c == "\\" || c == "\"" || c == "?")
            out = out "\\" c
        else
            out = out c
    }
    printf "    \"%s\\n\"\n", out
}
END {
    print "    ;"
    printf "const size_t %s_len = sizeof %s - 1;\n", name, name
}
