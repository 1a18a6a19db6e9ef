'use strict';
// A changelist sidebar filter with Django's autocomplete widget (claims/admin_autocomplete_filter.py):
// picking a row, or clearing it, reloads the list filtered by it, from its first page.
{
    const $ = django.jQuery;
    $(function() {
        $('select[data-autocomplete-filter]').on('change', function() {
            const url = new URL(window.location.href);
            url.searchParams.delete('p');
            if (this.value) {
                url.searchParams.set(this.name, this.value);
            } else {
                url.searchParams.delete(this.name);
            }
            window.location.assign(url.toString());
        });
    });
}
