# fish completion for sipbox and its applets.
#
# Nothing here names an option or an applet: when fish loads this file it
# asks the binary (`sipbox --list`, then `sipbox APPLET --list-options`,
# lines of short, long, kind, enum values and help separated by tabs) and
# registers what it says, both for `sipbox APPLET ...` and for a link named
# APPLET.  Installed once and linked as APPLET.fish for each applet, since
# fish loads completions by command name; loaded as APPLET.fish it asks
# the link itself, so the links work without sipbox on PATH.

# Is the applet word (the one after `sipbox`) still to be typed?
function __sipbox_no_applet
    set -l words (commandline -opc)
    test (count $words) -le 1
end

# Is the command line `sipbox $argv[1] ...`?
function __sipbox_applet_is
    set -l words (commandline -opc)
    test (count $words) -ge 2; and test "$words[2]" = "$argv[1]"
end

# __sipbox_list WORD...: the WORDs, each after what the current token has
# up to its last comma (the values of a comma-separated list).
function __sipbox_list
    set -l pre ''
    string match -q -- '*,*' (commandline -ct)
    and set pre (string replace -r '[^,]*$' '' -- (commandline -ct))
    for w in $argv
        echo $pre$w
    end
end

# __sipbox_register APPLET CMD...: register the options that
# `CMD... --list-options` lists, for APPLET and, with sipbox on PATH, for
# `sipbox APPLET`.
function __sipbox_register
    set -l app $argv[1]
    set -l sipbox (command -s sipbox)
    for line in ($argv[2..-1] --list-options 2>/dev/null)
        set -l f (string split \t -- $line)
        set -l args -l (string replace -r '^--' '' -- $f[2]) -d $f[5]
        if test "$f[1]" != -
            set -a args -s (string replace -r '^-' '' -- $f[1])
        end
        set -l kind $f[3]
        # An optional argument ("arg?") is --long=ARG or the next word
        # (unless that starts with '-'): complete it as a required one.
        set kind (string replace -r '\?$' '' -- $kind)
        switch $kind
            case flag
            case file
                set -a args -r -F
            case dir
                set -a args -x -a '(__fish_complete_directories (commandline -ct))'
            case host
                set -a args -x -a '(__fish_print_hostnames)'
            case iface
                set -a args -x -a '(__fish_print_interfaces)'
            case user
                set -a args -x -a '(__fish_complete_users)'
            case enum word
                set -a args -x -a $f[4]
            case list
                set -a args -x -a "(__sipbox_list $f[4])"
            case '*'
                set -a args -x
        end
        complete -c $app $args
        if test -n "$sipbox"
            complete -c sipbox -n "__sipbox_applet_is $app" $args
        end
    end
end

complete -c sipbox -f -n __sipbox_no_applet -l list -d 'list the applets'
complete -c sipbox -f -n __sipbox_no_applet -l help -d 'show help'
complete -c sipbox -f -n __sipbox_no_applet -l version -d 'print the versions'
complete -c sipbox -f -n __sipbox_no_applet -l install -d 'make a link per applet'
complete -c sipbox -n '__sipbox_applet_is --install' -s s -d 'symbolic links'
complete -c sipbox -x -n '__sipbox_applet_is --install' \
    -a '(__fish_complete_directories (commandline -ct))'
complete -c sipbox -x -n '__sipbox_applet_is --help' -a '(sipbox --list)'

if command -q sipbox
    for app in (sipbox --list 2>/dev/null)
        set -l sum (sipbox --help 2>/dev/null | string match -r "^  $app +(.*)" | tail -n 1)
        complete -c sipbox -f -n __sipbox_no_applet -a $app -d "$sum"
        __sipbox_register $app sipbox $app
    end
else
    # Loaded for a link: APPLET.fish, with APPLET on PATH.
    set -l app (string replace -r '\.fish$' '' -- (basename (status current-filename)))
    if test "$app" != sipbox; and command -q -- $app
        __sipbox_register $app $app
    end
end
