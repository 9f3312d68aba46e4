# bash completion for smbcmp(1)                              -*- shell-script -*-
#
# Options come from `smbcmp --help` (so new options complete without
# editing this file), field names for --mask/--unmask/--filter from
# `smbcmp --list-fields`, --engine values from the list below. Works with
# or without the bash-completion package (its _filedir is used when loaded).

_smbcmp_options()
{
    local cmd=$1
    "$cmd" --help 2>/dev/null |
        sed -n 's/^  *\(-[^ ].*\)/\1/p' | sed 's/   *.*//; s/\[=[^]]*\]//' |
        grep -oE -- '(^|[ ,])--?[A-Za-z][-A-Za-z0-9]*' | tr -d ' ,'
}

_smbcmp_fields()
{
    "$1" --list-fields 2>/dev/null | cut -f1
}

_smbcmp_files()
{
    if declare -F _filedir >/dev/null 2>&1; then
        _filedir
    else
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$1"))
    fi
}

_smbcmp()
{
    local cmd=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=
    local i
    [ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # "--opt=value": bash splits at '=' (COMP_WORDBREAKS), or keeps one word.
    if [ "$cur" = "=" ]; then
        cur=
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi
    # Nothing after "--" is an option.
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [ "${COMP_WORDS[i]}" = "--" ]; then
            _smbcmp_files "$cur"
            return 0
        fi
    done
    command -v "$cmd" >/dev/null 2>&1 || cmd=smbcmp

    case $prev in
    --engine)
        COMPREPLY=($(compgen -W 'native tshark auto' -- "$cur"))
        return 0 ;;
    --by)
        COMPREPLY=($(compgen -W 'actions operations auto' -- "$cur"))
        return 0 ;;
    --mask | --unmask | --filter)
        # A filter is an expression: complete the field name being typed.
        local head='' word=$cur
        if [ "$prev" = "--filter" ] && [[ $cur == *[\ \(\!\&\|\'\"]* ]]; then
            head=${cur%[ (!&|\'\"]*}
            head=${cur:0:${#head}+1}
            word=${cur:${#head}}
        fi
        local IFS=$'\n'
        COMPREPLY=($(compgen -P "$head" -W "$(_smbcmp_fields "$cmd")" -- "$word"))
        [ "$prev" = "--filter" ] && compopt -o nospace 2>/dev/null
        return 0 ;;
    --junit | --html | --keys-from | --password-file)
        _smbcmp_files "$cur"
        return 0 ;;
    --annotate)
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0 ;;
    --stream | -k | --password | --max-memory | --max-nodes)
        return 0 ;;  # free-form values: N[:M], SESSIONID:KEY, USER:PASSWORD, numbers
    esac

    if [[ $cur == -* ]]; then
        local opts
        opts=$(_smbcmp_options "$cmd")
        [ -n "$opts" ] || opts='--json --text --list --list-fields --stats --index-stats --annotate --mask
            --unmask --no-default-masks --list-masks --filter --allow-empty --stream --junit --html
            --engine --verify --check --all-fields --by -k --keys-from --password --password-file
            --max-memory --max-nodes -h --help --version'
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return 0
    fi
    _smbcmp_files "$cur"
    return 0
}
complete -F _smbcmp smbcmp
