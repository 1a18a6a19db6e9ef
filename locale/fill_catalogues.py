"""Writes the Ukrainian and Russian translations below into locale/{uk,ru}/LC_MESSAGES/django.po
after `manage.py makemessages` (the `make messages` target runs both, then compiles). Kept in
one place so a new string is translated in both languages side by side; a string missing here
stays untranslated (English) until someone adds it."""

import re
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent

T = {
    "Language": ("Мова", "Язык"),
    "Switch": ("Змінити", "Сменить"),
    "%(left)s left": ("залишилось %(left)s", "осталось %(left)s"),
    "lease expired": ("оренду втрачено", "аренда истекла"),
    'Lease lost: your lease on <a href="%(item_url)s">item #%(pk)s</a> ran out at %(at)s '
    "and the item went back to the queue. Anything you had not saved was not applied; take it "
    "again to go on.": (
        'Оренду втрачено: ваша оренда <a href="%(item_url)s">елемента #%(pk)s</a> скінчилася '
        "о %(at)s, і елемент повернувся до черги. Незбережене не застосовано; візьміть його "
        "знову, щоб продовжити.",
        'Аренда утрачена: ваша аренда <a href="%(item_url)s">элемента #%(pk)s</a> истекла '
        "в %(at)s, и элемент вернулся в очередь. Несохранённое не применено; возьмите его "
        "снова, чтобы продолжить.",
    ),
    "Review queue": ("Черга перевірки", "Очередь проверки"),
    "Skip to content": ("Перейти до змісту", "Перейти к содержанию"),
    "Claimtracker · Review": ("Claimtracker · Перевірка", "Claimtracker · Проверка"),
    "Account": ("Обліковий запис", "Учётная запись"),
    "Signed in as <strong>%(name)s</strong>": (
        "Ви увійшли як <strong>%(name)s</strong>",
        "Вы вошли как <strong>%(name)s</strong>",
    ),
    "Log out": ("Вийти", "Выйти"),
    "Log in": ("Увійти", "Войти"),
    "Log in to the review queue": ("Вхід до черги перевірки", "Вход в очередь проверки"),
    "Reviewers only": ("Лише для рецензентів", "Только для рецензентов"),
    "The review queue is for reviewers": (
        "Черга перевірки — для рецензентів",
        "Очередь проверки — для рецензентов",
    ),
    "You are signed in as <strong>%(name)s</strong>, who is not in the <strong>Reviewers</strong> "
    "group. The queue shows claims and follow-ups waiting for a verdict, and only reviewers may "
    "take and resolve them.": (
        "Ви увійшли як <strong>%(name)s</strong>, що не входить до групи "
        "<strong>Reviewers</strong>. Черга показує твердження й подальші кроки, які чекають "
        "на висновок, і брати та вирішувати їх можуть лише рецензенти.",
        "Вы вошли как <strong>%(name)s</strong>, не входящий в группу "
        "<strong>Reviewers</strong>. Очередь показывает утверждения и последующие шаги, "
        "ожидающие вердикта, и брать и решать их могут только рецензенты.",
    ),
    "Ask an administrator to add you, for example with <code>manage.py add_member %(name)s "
    "--role reviewer</code>.": (
        "Попросіть адміністратора додати вас, наприклад так: <code>manage.py add_member "
        "%(name)s --role reviewer</code>.",
        "Попросите администратора добавить вас, например так: <code>manage.py add_member "
        "%(name)s --role reviewer</code>.",
    ),
    "Go to the editors' admin": ("До адмінки редакторів", "В админку редакторов"),
    "Sign in as someone else": ("Увійти як інший користувач", "Войти как другой пользователь"),
    "Take next": ("Взяти наступний", "Взять следующий"),
    "Press <kbd>N</kbd> anywhere outside a text field. You hold an item for %(lease_minutes)s "
    "minutes; renew it to keep it.": (
        "Натисніть <kbd>N</kbd> будь-де поза текстовим полем. Елемент ваш на %(lease_minutes)s "
        "хв; подовжте оренду, щоб зберегти його.",
        "Нажмите <kbd>N</kbd> где угодно вне текстового поля. Элемент ваш на %(lease_minutes)s "
        "мин; продлите аренду, чтобы сохранить его.",
    ),
    "Items by reason": ("Елементи за причиною", "Элементы по причине"),
    "Reason": ("Причина", "Причина"),
    "Waiting": ("Чекають", "Ждут"),
    "Being reviewed": ("На перевірці", "На проверке"),
    "My items": ("Мої елементи", "Мои элементы"),
    "You hold no items.": ("У вас немає елементів.", "У вас нет элементов."),
    "Next in the queue": ("Далі в черзі", "Далее в очереди"),
    "Item": ("Елемент", "Элемент"),
    "Priority": ("Пріоритет", "Приоритет"),
    "Subject": ("Предмет", "Предмет"),
    "Deadline": ("Термін", "Срок"),
    "Waiting since": ("Чекає з", "Ждёт с"),
    "Action": ("Дія", "Действие"),
    "reserved for you": ("зарезервовано для вас", "зарезервировано для вас"),
    "%(since)s ago": ("%(since)s тому", "%(since)s назад"),
    "Take item #%(pk)s": ("Взяти елемент #%(pk)s", "Взять элемент #%(pk)s"),
    "Take": ("Взяти", "Взять"),
    "Nothing is waiting.": ("Нічого не чекає.", "Ничего не ждёт."),
    "The story at a glance": ("Історія з першого погляду", "История с первого взгляда"),
    "Topic": ("Тема", "Тема"),
    "All topics": ("Усі теми", "Все темы"),
    "Show": ("Показати", "Показать"),
    "Follow-up deadlines": ("Терміни подальших кроків", "Сроки последующих шагов"),
    "Claims by assessment": ("Твердження за оцінкою", "Утверждения по оценке"),
    # The item page (tracker/item.html).
    "Item #%(pk)s": ("Елемент #%(pk)s", "Элемент #%(pk)s"),
    "← Back to the queue": ("← Назад до черги", "← Назад к очереди"),
    "Take this item": ("Взяти цей елемент", "Взять этот элемент"),
    "Renew lease": ("Подовжити оренду", "Продлить аренду"),
    "Reason for releasing": ("Причина повернення", "Причина возврата"),
    "Reason (optional)": ("Причина (необов’язково)", "Причина (необязательно)"),
    "Release to the queue": ("Повернути до черги", "Вернуть в очередь"),
    "Claimant": ("Автор твердження", "Автор утверждения"),
    "Claimed on": ("Дата твердження", "Дата утверждения"),
    "Quantity": ("Кількість", "Количество"),
    "State": ("Стан", "Состояние"),
    "Assessment": ("Оцінка", "Оценка"),
    "Assessment note": ("Пояснення оцінки", "Пояснение оценки"),
    "Version": ("Версія", "Версия"),
    "Sources and evidence": ("Джерела й докази", "Источники и доказательства"),
    "Source": ("Джерело", "Источник"),
    "Stance": ("Позиція", "Позиция"),
    "Grade": ("Оцінка джерела", "Оценка источника"),
    "Excerpt": ("Уривок", "Отрывок"),
    "No evidence yet.": ("Доказів поки немає.", "Доказательств пока нет."),
    "Related and contradicting claims": (
        "Пов’язані й суперечливі твердження",
        "Связанные и противоречащие утверждения",
    ),
    "None recorded.": ("Нічого не записано.", "Ничего не записано."),
    "Scenarios and follow-ups": ("Сценарії й подальші кроки", "Сценарии и последующие шаги"),
    "Scenarios": ("Сценарії", "Сценарии"),
    "Follow-ups": ("Подальші кроки", "Последующие шаги"),
    "None linked.": ("Нічого не пов’язано.", "Ничего не связано."),
    "Met on": ("Виконано", "Выполнено"),
    "Promise": ("Обіцянка", "Обещание"),
    "History": ("Історія", "История"),
    "Claim": ("Твердження", "Утверждение"),
    "When": ("Коли", "Когда"),
    "Who": ("Хто", "Кто"),
    "Why": ("Чому", "Почему"),
    "This item": ("Цей елемент", "Этот элемент"),
    "Resolve": ("Вирішити", "Решить"),
    "Add evidence": ("Додати доказ", "Добавить доказательство"),
    "Follow-up": ("Подальший крок", "Последующий шаг"),
    "Resolve item": ("Вирішити елемент", "Решить элемент"),
    "Dismiss": ("Відхилити", "Отклонить"),
    "Dismiss item": ("Відхилити елемент", "Отклонить элемент"),
    # The public pages (publishing/templates, publishing/forms.py, publishing/feeds.py).
    "%(organisation)s: fact-checks": ("%(organisation)s: фактчеки", "%(organisation)s: фактчеки"),
    "Published fact-checks and their corrections, newest first.": (
        "Опубліковані фактчеки та їх виправлення, найновіші спершу.",
        "Опубликованные фактчеки и их исправления, новые сначала.",
    ),
    "Corrected: %(summary)s — %(verdict)s": (
        "Виправлено: %(summary)s — %(verdict)s",
        "Исправлено: %(summary)s — %(verdict)s",
    ),
    "Correction of %(date)s: %(old)s → %(new)s. %(note)s": (
        "Виправлення від %(date)s: %(old)s → %(new)s. %(note)s",
        "Исправление от %(date)s: %(old)s → %(new)s. %(note)s",
    ),
    "Search": ("Пошук", "Поиск"),
    "Verdict": ("Висновок", "Вердикт"),
    "All verdicts": ("Усі висновки", "Все вердикты"),
    "Status": ("Статус", "Статус"),
    "source": ("джерело", "источник"),
    "Fact-checks": ("Фактчеки", "Фактчеки"),
    "Fact-checks (Atom feed)": ("Фактчеки (стрічка Atom)", "Фактчеки (лента Atom)"),
    "Main": ("Головне меню", "Главное меню"),
    "Atom feed": ("Стрічка Atom", "Лента Atom"),
    "Fact-checks published by %(name)s.": (
        "Фактчеки, опубліковані %(name)s.",
        "Фактчеки, опубликованные %(name)s.",
    ),
    "ClaimReview data feed": ("Стрічка даних ClaimReview", "Лента данных ClaimReview"),
    "Sitemap": ("Карта сайту", "Карта сайта"),
    "Fact-check": ("Фактчек", "Фактчек"),
    "The claim": ("Твердження", "Утверждение"),
    "Our verdict": ("Наш висновок", "Наш вердикт"),
    "(%(value)s on a scale where %(best)s is true)": (
        "(%(value)s за шкалою, де %(best)s — правда)",
        "(%(value)s по шкале, где %(best)s — правда)",
    ),
    "Published": ("Опубліковано", "Опубликовано"),
    "Corrected": ("Виправлено", "Исправлено"),
    "Corrections": ("Виправлення", "Исправления"),
    "verdict changed from “%(old)s” to “%(new)s” after a new review.": (
        "висновок змінено з «%(old)s» на «%(new)s» після нової перевірки.",
        "вердикт изменён с «%(old)s» на «%(new)s» после новой проверки.",
    ),
    "the explanation of the verdict was revised after a new review.": (
        "пояснення висновку переглянуто після нової перевірки.",
        "пояснение вердикта пересмотрено после новой проверки.",
    ),
    "Evidence": ("Докази", "Доказательства"),
    "Publisher": ("Видавець", "Издатель"),
    "Source reliability": ("Надійність джерела", "Надёжность источника"),
    "Credibility of this information": (
        "Достовірність цієї інформації",
        "Достоверность этой информации",
    ),
    "Archived copy": ("Архівна копія", "Архивная копия"),
    "archived copy": ("архівна копія", "архивная копия"),
    "of “%(title)s”": ("«%(title)s»", "«%(title)s»"),
    "Related claims": ("Пов’язані твердження", "Связанные утверждения"),
    "Contradicting claims": ("Суперечливі твердження", "Противоречащие утверждения"),
    "Other related claims": ("Інші пов’язані твердження", "Другие связанные утверждения"),
    "Promises and deadlines": ("Обіцянки й терміни", "Обещания и сроки"),
    "Follow-ups this claim belongs to, with their deadlines": (
        "Подальші кроки, до яких належить це твердження, з їхніми термінами",
        "Последующие шаги, к которым относится это утверждение, с их сроками",
    ),
    "not known yet": ("поки невідомо", "пока неизвестно"),
    "Overdue": ("Прострочено", "Просрочено"),
    "next deadline": ("наступний термін", "следующий срок"),
    "proposed by %(actor)s": ("запропонував %(actor)s", "предложил %(actor)s"),
    "Permanent address:": ("Постійна адреса:", "Постоянный адрес:"),
    "Fact-checks, page %(number)s": (
        "Фактчеки, сторінка %(number)s",
        "Фактчеки, страница %(number)s",
    ),
    "Find fact-checks": ("Знайти фактчеки", "Найти фактчеки"),
    "Verdict:": ("Висновок:", "Вердикт:"),
    "Said by %(claimant)s": ("Сказав %(claimant)s", "Сказал %(claimant)s"),
    "checked": ("перевірено", "проверено"),
    "No fact-checks match.": ("Жоден фактчек не підходить.", "Ни один фактчек не подходит."),
    "Pages": ("Сторінки", "Страницы"),
    "Newer": ("Новіші", "Новее"),
    "Page %(number)s of %(total)s": (
        "Сторінка %(number)s з %(total)s",
        "Страница %(number)s из %(total)s",
    ),
    "Older": ("Старіші", "Старее"),
    "Fact-check withdrawn": ("Фактчек відкликано", "Фактчек отозван"),
    "This fact-check has been withdrawn": ("Цей фактчек відкликано", "Этот фактчек отозван"),
    "The newsroom archived this fact-check; it is no longer published.": (
        "Редакція заархівувала цей фактчек; його більше не опубліковано.",
        "Редакция заархивировала этот фактчек; он больше не опубликован.",
    ),
    "See all published fact-checks": ("Усі опубліковані фактчеки", "Все опубликованные фактчеки"),
    "Clear filters": ("Скинути фільтри", "Сбросить фильтры"),
    # The public scenario pages (publishing/templates/publishing/scenario_*.html).
    "Party": ("Сторона", "Сторона"),
    "Any party": ("Будь-яка сторона", "Любая сторона"),
    "Any status": ("Будь-який статус", "Любой статус"),
    "Still alive": ("Ще актуальні", "Ещё актуальные"),
    "still alive": ("ще актуальний", "ещё актуален"),
    "Scenario ids are whole numbers.": (
        "Ідентифікатори сценаріїв — цілі числа.",
        "Идентификаторы сценариев — целые числа.",
    ),
    "Choose two or more scenarios to compare.": (
        "Оберіть два чи більше сценаріїв для порівняння.",
        "Выберите два или больше сценариев для сравнения.",
    ),
    "Choose two or more scenarios": (
        "Оберіть два чи більше сценаріїв",
        "Выберите два или больше сценариев",
    ),
    "Filter scenarios": ("Фільтр сценаріїв", "Фильтр сценариев"),
    "Compare scenarios": ("Порівняння сценаріїв", "Сравнение сценариев"),
    "Compare": ("Порівняти", "Сравнить"),
    "Compare the ticked scenarios": (
        "Порівняти позначені сценарії",
        "Сравнить отмеченные сценарии",
    ),
    "No scenario matches.": ("Жоден сценарій не підходить.", "Ни один сценарий не подходит."),
    "Proposals, plans and agreements we track: where each party stands on each term, and what "
    "has been delivered.": (
        "Пропозиції, плани й угоди, за якими ми стежимо: позиція кожної сторони щодо кожного "
        "пункту і що вже виконано.",
        "Предложения, планы и соглашения, за которыми мы следим: позиция каждой стороны по "
        "каждому пункту и что уже выполнено.",
    ),
    "since": ("з", "с"),
    "Open for every change on record.": (
        "Відкрийте, щоб побачити всі зміни.",
        "Откройте, чтобы увидеть все изменения.",
    ),
    "No position on record": ("Позиції не зафіксовано", "Позиция не зафиксирована"),
    "Superseded by": ("Замінено на", "Заменён на"),
    "Proposed": ("Запропоновано", "Предложено"),
    "by %(actor)s": ("від %(actor)s", "от %(actor)s"),
    "Proposed by %(actor)s": ("Запропонував %(actor)s", "Предложил %(actor)s"),
    "Terms and positions": ("Пункти й позиції", "Пункты и позиции"),
    "Each party's current position, term by term. Open a cell for every change on record, "
    "newest first.": (
        "Поточна позиція кожної сторони, пункт за пунктом. Відкрийте клітинку, щоб побачити "
        "всі зміни, найновіші спершу.",
        "Текущая позиция каждой стороны, пункт за пунктом. Откройте ячейку, чтобы увидеть все "
        "изменения, новые сначала.",
    ),
    "Term": ("Пункт", "Пункт"),
    "Positions": ("Позиції", "Позиции"),
    "The scenario as a whole": ("Сценарій загалом", "Сценарий в целом"),
    "No party has taken a position yet.": (
        "Жодна сторона ще не висловила позиції.",
        "Ни одна сторона ещё не высказала позиции.",
    ),
    "Follow-ups and delivery": ("Подальші кроки й виконання", "Последующие шаги и выполнение"),
    "Delivered": ("Виконано", "Выполнено"),
    "none yet": ("поки немає", "пока нет"),
    "overdue": ("прострочено", "просрочено"),
    "as of": ("станом на", "по состоянию на"),
    "No follow-ups recorded.": ("Подальших кроків не записано.", "Последующих шагов не записано."),
    "Fact-checked claims": ("Перевірені твердження", "Проверенные утверждения"),
    "No published fact-check concerns this scenario yet.": (
        "Жоден опублікований фактчек ще не стосується цього сценарію.",
        "Ни один опубликованный фактчек ещё не касается этого сценария.",
    ),
    "Status history": ("Історія статусу", "История статуса"),
    "Side by side: each scenario's terms, with every party's current position on each.": (
        "Поруч: пункти кожного сценарію з поточною позицією кожної сторони щодо них.",
        "Рядом: пункты каждого сценария с текущей позицией каждой стороны по ним.",
    ),
    "Terms of %(title)s and each party's current position": (
        "Пункти сценарію «%(title)s» і поточна позиція кожної сторони",
        "Пункты сценария «%(title)s» и текущая позиция каждой стороны",
    ),
    # The delivery in words (tracker/boards.py delivery_text: the boards and the admin).
    "%(done)s %(unit)s delivered": ("виконано: %(done)s %(unit)s", "выполнено: %(done)s %(unit)s"),
    "%(done)s of %(target)s %(unit)s delivered (%(percent)s%%)": (
        "виконано %(done)s з %(target)s %(unit)s (%(percent)s%%)",
        "выполнено %(done)s из %(target)s %(unit)s (%(percent)s%%)",
    ),
    "; the promise is %(target)s of the %(claimed)s %(unit)s claimed (claim #%(pk)s)": (
        "; обіцяно %(target)s із заявлених %(claimed)s %(unit)s (твердження #%(pk)s)",
        "; обещано %(target)s из заявленных %(claimed)s %(unit)s (утверждение #%(pk)s)",
    ),
}

# Plural strings (`{% blocktranslate count %}`, ngettext): the singular msgid, then Ukrainian's
# and Russian's four forms in the order of their catalogues' Plural-Forms (one: 1, 21; few: 2–4;
# many: 0, 5–20; other: fractions).
PLURALS = {
    "%(counter)s fact-check": (
        (
            "%(counter)s фактчек",
            "%(counter)s фактчеки",
            "%(counter)s фактчеків",
            "%(counter)s фактчека",
        ),
        (
            "%(counter)s фактчек",
            "%(counter)s фактчека",
            "%(counter)s фактчеков",
            "%(counter)s фактчека",
        ),
    ),
    "%(counter)s scenario": (
        (
            "%(counter)s сценарій",
            "%(counter)s сценарії",
            "%(counter)s сценаріїв",
            "%(counter)s сценарію",
        ),
        (
            "%(counter)s сценарий",
            "%(counter)s сценария",
            "%(counter)s сценариев",
            "%(counter)s сценария",
        ),
    ),
    "%(counter)s earlier": (
        ("ще %(counter)s раніше",) * 4,
        ("ещё %(counter)s ранее",) * 4,
    ),
    "%(counter)s report": (
        ("%(counter)s звіт", "%(counter)s звіти", "%(counter)s звітів", "%(counter)s звіту"),
        ("%(counter)s отчёт", "%(counter)s отчёта", "%(counter)s отчётов", "%(counter)s отчёта"),
    ),
    "%(days)s day after the step before is met": (
        (
            "через %(days)s день після виконання попереднього кроку",
            "через %(days)s дні після виконання попереднього кроку",
            "через %(days)s днів після виконання попереднього кроку",
            "через %(days)s дня після виконання попереднього кроку",
        ),
        (
            "через %(days)s день после выполнения предыдущего шага",
            "через %(days)s дня после выполнения предыдущего шага",
            "через %(days)s дней после выполнения предыдущего шага",
            "через %(days)s дня после выполнения предыдущего шага",
        ),
    ),
}

ENTRY = re.compile(r'((?:#.*\n)*)(msgid (?:"(?:[^"\\]|\\.)*"\n)+)(msgstr (?:"(?:[^"\\]|\\.)*"\n)+)')
PLURAL_ENTRY = re.compile(
    r'((?:#.*\n)*)(msgid (?:"(?:[^"\\]|\\.)*"\n)+msgid_plural (?:"(?:[^"\\]|\\.)*"\n)+)'
    r'((?:msgstr\[\d\] (?:"(?:[^"\\]|\\.)*"\n)+)+)'
)


def _text(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).replace('\\"', '"').replace("\\n", "\n")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unfuzzied(comments: str) -> str:
    """makemessages marks a new string "fuzzy" when it resembles an old one; the translation
    written here is the real one, so the guess and its flag go."""
    kept = [
        line.replace(", fuzzy", "") if line.startswith("#,") else line
        for line in comments.splitlines()
        if not line.startswith("#|") and line.strip() != "#, fuzzy"
    ]
    return "".join(f"{line}\n" for line in kept)


def fill(language: str, index: int) -> int:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    done = 0

    def replace(match):
        nonlocal done
        comments, msgid_block = match.group(1), match.group(2)
        msgid = _text(msgid_block[len("msgid ") :])
        if msgid in T:
            done += 1
            return f"{_unfuzzied(comments)}{msgid_block}msgstr {_quoted(T[msgid][index])}\n"
        return match.group(0)

    def replace_plural(match):
        nonlocal done
        comments, msgid_block = match.group(1), match.group(2)
        msgid = _text(msgid_block[len("msgid ") : msgid_block.index("msgid_plural")])
        if msgid in PLURALS:
            done += 1
            forms = "".join(
                f"msgstr[{n}] {_quoted(form)}\n" for n, form in enumerate(PLURALS[msgid][index])
            )
            return f"{_unfuzzied(comments)}{msgid_block}{forms}"
        return match.group(0)

    text = ENTRY.sub(replace, path.read_text())
    text = PLURAL_ENTRY.sub(replace_plural, text)
    text = text.replace('"Language: \\n"', f'"Language: {language}\\n"')
    path.write_text(text)
    return done


if __name__ == "__main__":
    for i, lang in enumerate(("uk", "ru")):
        print(
            f"{lang}: {fill(lang, i)} of {len(T) + len(PLURALS)} strings translated",
            file=sys.stderr,
        )
