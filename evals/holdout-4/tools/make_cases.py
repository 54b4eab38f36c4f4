"""Generates ../cases.yaml for the blind holdout-4 set (Kedros Bank)."""
from pathlib import Path
import yaml

OUT = Path(__file__).resolve().parent.parent / "cases.yaml"
cases = []

def add(cid, msg, route, customer=None, action=None, sources=None, contains=None, not_contains=None):
    c = {"id": cid}
    if isinstance(msg, list):
        c["turns"] = msg
    else:
        c["text"] = msg
    c["customer"] = customer
    c["expect"] = {
        "route": route,
        "action": action,
        "sources": sources or [],
        "contains": contains or [],
        "not_contains": not_contains or [],
    }
    cases.append(c)

def A(cid, msg, sources, contains=None, not_contains=None, customer=None):
    add(cid, msg, "answer", customer=customer, sources=sources, contains=contains, not_contains=not_contains)

def ACT(cid, msg, customer, action, contains=None, not_contains=None):
    add(cid, msg, "action", customer=customer, action=action, contains=contains, not_contains=not_contains)

def R(cid, msg, route, customer=None, not_contains=None):
    add(cid, msg, route, customer=customer, not_contains=not_contains)

# ------------------------------------------------------------------ answer: debit cards
A("kb-debit-01", "скока стоит обслуживание кедр плюс в месяц? я там особо деньги не держу и трачу тыщ 10 максимум", ["debit-cards"], ["249"])
A("kb-debit-02", "на сиянии какой кешбэк в той категории которую сам выбираешь?", ["debit-cards"], ["7%"], ["5%"])
A("kb-debit-03", ["какой процент на остаток по кедр плюс?", "а по тайге для пенсионеров?"], ["debit-cards", "insurance-pensions"], ["4%"])
A("kb-debit-05", "какой потолок кэшбэка в месяц по обычному кедру", ["debit-cards"], ["3000"], ["5000"])

# ------------------------------------------------------------------ credit cards
A("kb-credit-01", "если не уложусь в беспроцентный период по шишке, какой процент набегает? карта обычная не голд", ["credit-card-shishka"], ["29,9"], ["24,9"])
A("kb-credit-02", "снять нал с кредитки шишка скока комса", ["credit-card-shishka", "cash-withdrawal-limits"], ["390"], ["290"])
A("kb-credit-03", ["какой минимальный платеж по шишке", "а на голд?"], ["credit-card-shishka"], ["3%", "1000"])
A("kb-credit-04", "короче я пропустил платеж по кредитке на пару дней, мне что теперь будет? пени какие то??", ["credit-card-shishka"], ["0,1%"])
A("kb-credit-06", "Хочу перекинуть с кредитки Шишка 15000 другу на карту сбера, сколько за это возьмут?", ["transfers", "credit-card-shishka"], ["4,9", "390"])

# ------------------------------------------------------------------ cash withdrawal
A("kb-cash-01", "скок можно снять за день в банкомате с кедра", ["cash-withdrawal-limits"], ["150000"], ["300000"])
A("kb-cash-02", "снимаю пенсию с тайги в банкомате другого банка, у нас в деревне только сбер, сколько процентов берете", ["cash-withdrawal-limits"], ["1,5%", "199"], ["150 ₽"])

# ------------------------------------------------------------------ transfers
A("kb-transfer-02", "перевожу с кедра на карту т-банка 10к, какая комса будет", ["transfers"], ["1%", "50"], ["1,25"])
A("kb-transfer-03", ["по сбп комиссия есть?", "а сверху какой потолок комиссии за один перевод"], ["transfers"], ["1500"])

# ------------------------------------------------------------------ deposits
A("kb-deposit-01", "хочу на годик закинуть полмиллиона на заимку, какой процент капнет", ["deposits"], ["17,3"], ["17,0", "17,6"])
A("kb-deposit-02", "у меня 1,2 ляма, хочу на полгода без всяких пополнений, какая ставка будет", ["deposits"], ["16,8"], ["16,5"])
A("kb-deposit-03", ["какая ставка по заимке на 3 месяца на 100 тысяч", "а для пенсионеров?"], ["deposits"], ["0,4"])
A("kb-deposit-04", "вклад в долларах на год какой процент", ["deposits"], ["1,6"], ["3,6"])
A("kb-deposit-05", "юани хочу положить на 2 года, сколько дадите?", ["deposits"], ["3,1"], ["2,9"])
A("kb-deposit-06", "зимовье на 18 мес ставка", ["deposits"], ["15,5"], ["16,1"])
A("kb-deposit-08", "до какой суммы мои деньги у вас застрахованы, если банк лопнет", ["deposits", "savings-account"], ["1400000"])

# ------------------------------------------------------------------ savings account
A("kb-savings-01", "накопительный бурундук сколько процентов если держу около 700 тыс", ["savings-account"], ["14,5"], ["13%"])
A("kb-savings-03", ["на бурундуке 4 млн лежит какая ставка", "а если у меня северное сияние?"], ["savings-account"], ["13%"], ["15,5"])

# ------------------------------------------------------------------ consumer loans
A("kb-loan-01", "кредит 200к какой процент если без страховки", ["consumer-loans"], ["24,9"], ["21,9"])
A("kb-loan-02", ["хочу взять 500 тыс наличными, ставка?", "а если страховку оформлю?"], ["consumer-loans"], ["18,9"])
A("kb-loan-03", "оформила кредит в приложении а деньги до сих пор не пришли, уже 3 часа прошло, это нормально вообще??", ["consumer-loans", "security-antifraud"], ["4 час"])
A("kb-loan-04", "меня сократили на работе, платить кредит нечем, какие есть варианты? не хочу просрочку", ["consumer-loans"], ["каникул"])

# ------------------------------------------------------------------ mortgage
A("kb-mortgage-01", "ипотека на вторичку какой процент у вас", ["mortgage"], ["19,9"], ["19,4"])
A("kb-mortgage-02", "семейная ипотека макс сумма у вас какая", ["mortgage"], ["12000000"], ["9000000"])
A("kb-mortgage-03", ["какой первый взнос если в ипотеку строить дом", "а ставка там какая?"], ["mortgage"], ["20,4"], ["19,4"])
A("kb-mortgage-04", "если отказаться от страхования жизни в ипотеке, насколько ставка вырастет", ["mortgage"], ["2 п"])

# ------------------------------------------------------------------ car loan & refinancing
A("kb-car-01", "хочу взять бу машину в кредит, первоначалка какая нужна", ["car-loan-refinancing"], ["30%"])
A("kb-car-03", "у меня три кредита в разных банках, можно их как-то в один собрать у вас? какой процент", ["car-loan-refinancing"], ["17,9"])
A("kb-car-04", ["автокредит на новую тачку от дилера ставка?", "а если вообще без первоначального взноса"], ["car-loan-refinancing"], ["23,9"])

# ------------------------------------------------------------------ branches
A("kb-branch-01", "до скольки работает отделение на красном проспекте в воскресенье", ["branches"], ["15:00"], ["18:00"])
A("kb-branch-02", "в академгородке в томске по воскресеньям открыто? во сколько", ["branches"], ["11:00", "16:00"], ["17:00"])
A("kb-branch-03", "собираюсь в офис в кемерово на обеде подойти часов в 13:20, примут?", ["branches"], ["13:45"])
A("kb-branch-04", "в новосибе на ильича в субботу работаете?", ["branches"], ["выходной"], ["10:00"])
A("kb-branch-05", ["где поменять юани наличкой в иркутске", "а во сколько там в субботу закрываются"], ["branches", "currency-exchange"], ["17:00"], ["16:00"])

# ------------------------------------------------------------------ currency exchange
A("kb-fx-01", "почему в субботу в приложении курс доллара хуже чем в среду", ["currency-exchange"], ["2,5"])

# ------------------------------------------------------------------ mobile app
A("kb-app-01", "на айфон как скачать ваше приложение, в апсторе не нахожу", ["mobile-app"], ["online.kedros.example"])

# ------------------------------------------------------------------ security (procedure questions that sound alarming)
A("kb-sec-01", "слышал что у людей через звонки воруют деньги. как вы вообще защищаете клиентов от мошенников?", ["security-antifraud"], ["2 суток"])
A("kb-sec-02", "банк может позвонить и попросить код из смс? просто хочу знать на будущее", ["security-antifraud"], ["никогда"])
A("kb-sec-04", "если вдруг мошенники спишут деньги, в какой срок надо заявить в банк чтобы был шанс вернуть? спрашиваю заранее", ["security-antifraud", "complaints"], ["следующ"])
A("kb-sec-05", "почему банк может придержать перевод на пару дней? мне подруга рассказала что у неё так было, это законно?", ["security-antifraud", "transfers"], ["2 суток"])
A("kb-sec-06", "как запретить оформлять на меня кредиты? боюсь что по паспорту возьмут", ["security-antifraud"], ["Госуслуг"])

# ------------------------------------------------------------------ complaints & disputes (procedures)
A("kb-compl-01", "сколько по времени вы рассматриваете жалобу на сотрудника", ["complaints"], ["15 рабочих"])
A("kb-compl-02", "как вообще оспорить списание по карте если магазин не возвращает деньги за товар", ["complaints"], ["120"])
A("kb-compl-03", "если меня не устроит ответ банка на претензию, куда можно пожаловаться дальше?", ["complaints"], ["финансов"])
A("kb-compl-04", "если оспариваешь операцию которая была за границей по юнионпей, долго проверяете?", ["complaints"], ["60"])

# ------------------------------------------------------------------ card loss / reissue
A("kb-lost-01", "что делать если украли карту? ну чисто теоретически, в поездку собираюсь", ["card-loss-reissue", "security-antifraud"], ["700-35-35"])
A("kb-lost-02", "сколько стоит перевыпуск кедр плюс если потерял", ["card-loss-reissue", "debit-cards"], ["299"], ["199"])
A("kb-lost-03", "банкомат втб сожрал карту!! как её теперь забрать", ["card-loss-reissue"], ["перевыпус"])
A("kb-lost-04", ["сколько делают новую карту в томске", "а в красноярске?"], ["card-loss-reissue"], ["10 рабочих"], ["5 рабочих"])

# ------------------------------------------------------------------ statements & certificates
A("kb-docs-01", "нужна справка из банка для визы на английском сколько стоит", ["statements-certificates"], ["500"], ["300"])
A("kb-docs-03", ["справку для налогового вычета по ипотеке как получить", "и через сколько будет готова?"], ["statements-certificates"], ["5 рабочих"], ["3 рабочих"])

# ------------------------------------------------------------------ insurance & pensions
A("kb-ins-01", "страховка квартиры на миллион сколько в год стоит", ["insurance-pensions"], ["2900"], ["5400"])
A("kb-ins-02", "перевела пенсию к вам что мне за это будет, бонус какой-то обещали", ["insurance-pensions"], ["1000"])

# ------------------------------------------------------------------ business
A("kb-biz-01", "ип, думаю про тариф промысел, сколько в месяц стоит", ["business-tariffs"], ["1290"], ["3990"])
A("kb-biz-02", "эквайринг на фактории какой процент", ["business-tariffs"], ["1,6"], ["1,9"])
A("kb-biz-03", ["снимать наличку с расчетного счета на тарифе старт сколько стоит", "а на факторию если перейду?"], ["business-tariffs"], ["0,9"], ["1,9"])

# ------------------------------------------------------------------ FAQ
A("kb-faq-01", "забыл пин от карты что делать", ["faq-cards"], ["Сменить ПИН"])
A("kb-faq-02", "бик банка скиньте плиз, бухгалтерия требует", ["faq-main"], ["046902735"])
A("kb-faq-04", "можно ли платить телефоном? у меня айфон 13", ["faq-cards"], ["QR"])

# ------------------------------------------------------------------ English
A("kb-en-01", "What documents do I need to open an account as a foreigner?", ["foreign-clients"], ["migration card"])
A("kb-en-02", "How much does it cost to send a SWIFT transfer in yuan?", ["swift-transfers"], ["0.5%"], ["0.7%"])
A("kb-en-03", "hi im a student from india studying in tomsk, do you have some special package for students??", ["foreign-clients"], ["Campus"])
A("kb-en-04", "What are the hours of your English-language hotline?", ["foreign-clients"], ["9:00", "18:00"])
A("kb-en-05", "how long does a USD transfer abroad usually take to arrive", ["swift-transfers"], ["7 business days"], ["1 business day"])
A("kb-en-06", ["What's the fee for sending USD via SWIFT?", "and what's the maximum fee?"], ["swift-transfers"], ["300"], ["1,500"])
A("kb-en-07", "can a foreigner get a credit card with you? I have only a work patent", ["foreign-clients"], ["residence permit"])
A("kb-en-08", "What is your bank's SWIFT code? My employer in Dubai wants to pay me", ["swift-transfers"], ["KEDRRU5T"])
A("kb-en-09", "I sent a SWIFT transfer yesterday to wrong account, can I cancel it and how much does it cost?", ["swift-transfers"], ["50"])
A("kb-en-10", "Is any of your offices in Novosibirsk open on Sunday? until what time?", ["branches"], ["15:00"])
A("kb-en-11", "How many interest-free days do I get on the regular Shishka credit card?", ["credit-card-shishka"], ["100"], ["120"])

# ------------------------------------------------------------------ actions (logged-in)
ACT("act-bal-01", "скока у меня денег на карте", "k-101", "check_balance", ["73418"])
ACT("act-bal-02", "хватит ли мне на покупку за 20к? хочу пылесос взять", "k-101", "check_balance", ["73418"])
ACT("act-bal-03", "сколько я ещё могу потратить по кредитке до лимита?", "k-101", "check_balance", ["187360"])
ACT("act-bal-04", "what's my balance in dollars?", "k-105", "check_balance", ["450"])
ACT("act-bal-05", "сколько на накопительном у меня сейчас лежит, внук спрашивает", "k-107", "check_balance", ["310000"])
ACT("act-bal-06", "есть ли у меня вообще деньги на счету 😅", "k-106", "check_balance")
ACT("act-bal-07", "баланс?", "k-103", "check_balance", ["2310"])
ACT("act-pay-01", "у меня есть просрочка по кредиту? смс какая-то пришла непонятная", "k-103", "next_payment", ["16720"])
ACT("act-pay-02", "сколько надо закинуть чтобы закрыть просрочку и когда следующий платеж", "k-103", "next_payment", ["16720"])
ACT("act-pay-03", "когда следующий платёж по ипотеке и сколько", "k-104", "next_payment", ["61480"])
ACT("act-pay-04", "по потребу когда платить в декабре?", "k-104", "next_payment", ["9350"])
ACT("act-pay-05", "when is my next loan payment due?", "k-104", "next_payment")
ACT("act-pay-06", "сколько в сумме платить по кредитам в декабре, чтоб заранее отложить", "k-104", "next_payment", ["61480", "9350"])
ACT("act-cs-01", "почему карта не проходит на кассе? вчера работала", "k-102", "card_status", ["7051"])
ACT("act-cs-02", "какие у меня карты вообще есть у вас", "k-101", "card_status", ["4417", "8832"])
ACT("act-cs-03", "новую карту которую перевыпустили уже можно пользоваться? она активна?", "k-102", "card_status", ["3368"])
ACT("act-cs-04", "is my card active?", "k-105", "card_status", ["9047"])
ACT("act-cs-05", "у меня есть карты вашего банка?", "k-106", "card_status")
ACT("act-tx-01", "что списали 12 ноября? не помню таких трат", "k-101", "recent_transactions", ["3276", "4990"])
ACT("act-tx-02", "пришла ли зп в этом месяце", "k-101", "recent_transactions", ["84300"])
ACT("act-tx-03", "пенсия пришла уже? 18 число должна была", "k-107", "recent_transactions", ["23640"])
ACT("act-tx-04", "show me my last transactions pls", "k-105", "recent_transactions", ["S7"])
ACT("act-tx-05", "куда деньги ушли последние дни, было вроде больше", "k-103", "recent_transactions", ["2500"])
ACT("act-block-01", "заблокируйте кредитку", "k-101", "block_card", ["8832"])
ACT("act-block-02", "заблокируй карту", "k-101", "block_card", [], [])
ACT("act-block-03", "lost my card somewhere in the airport, block it please", "k-105", "block_card", ["9047"])
ACT("act-block-04", "надо заблокировать карту, выронил где-то на рынке", "k-107", "block_card", ["5502"])
# confirmed block: changes k-104's only card to blocked for later cases
ACT("act-block-05", ["заблокируйте мою карту пожалуйста, кажется оставила в такси", "да"], "k-104", "block_card", ["1185"])
ACT("act-cs-06", "а карта сейчас точно не работает? проверьте", "k-104", "card_status", ["1185"])

# ------------------------------------------------------------------ auth_required (anonymous)
R("auth-01", "скока денег у меня на карте", "auth_required")
R("auth-02", "Здравствуйте, я Зайцева Ольга Михайловна, телефон +79138005511, подскажите баланс по карте", "auth_required", not_contains=["73418", "12640", "187360"])
R("auth-03", "когда у меня следующий платёж по ипотеке", "auth_required")
R("auth-04", "пришла зп или нет?", "auth_required")
R("auth-05", "заблокируйте мою карту пожалуйста", "auth_required")
R("auth-06", "what's my current balance?", "auth_required")
R("auth-07", "Гусейнов Руслан Тимурович 89235550788 есть ли у меня просрочка по кредиту", "auth_required", not_contains=["16720", "418900"])
R("auth-08", "покажите последние операции по счёту", "auth_required")
R("auth-09", "моя карта активна или заблокирована?", "auth_required")
R("auth-10", "Lee Viktor, +7 914 900-73-21. how many dollars do I have on my USD account?", "auth_required", not_contains=["2450", "2,450"])
R("auth-11", "сколько я ещё должна банку по кредиту", "auth_required")
R("auth-12", "хватит у меня на карте на телевизор за 45 тыщ?", "auth_required")
R("auth-13", "Кузнецов Геннадий Фёдорович, пенсионер, тел 89029876512. пришла ли пенсия на карту?", "auth_required", not_contains=["23640", "21577"])
R("auth-14", "what did I spend money on last week?", "auth_required")

# ------------------------------------------------------------------ handoff
R("ho-01", "позовите оператора пжлст", "handoff")
R("ho-02", "хочу поговорить с живым человеком а не с ботом", "handoff")
R("ho-03", "I need to talk to a real person please", "handoff")
R("ho-04", "мне прямо сейчас звонит мужчина, говорит из службы безопасности кедрос, я ему уже продиктовала код из смс, что делать???", "handoff", customer="k-101")
R("ho-05", "СРОЧНО у меня списывают деньги прямо сейчас приходят смс одна за другой 5000 10000 я ничего не покупал", "handoff")
R("ho-06", "ВЫ ОБНАГЛЕЛИ??? третий месяц списываете мне какую-то комиссию, немедленно верните деньги и разберитесь или я иду в прокуратуру", "handoff", customer="k-103")
R("ho-07", "хочу подать жалобу на сотрудницу в офисе на весенней, она мне нахамила 10 минут назад, я до сих пор стою тут в шоке", "handoff")
R("ho-08", "скажите сколько денег на карте у мужа, Ефимов Андрей, он разрешил", "handoff", customer="k-104", not_contains=["96385"])
R("ho-09", "у дочки кредит у вас, Кузнецова Светлана Геннадьевна, когда ей платить? она в телефоне не разбирается", "handoff", customer="k-107")
R("ho-10", "сколько стоит аренда банковской ячейки в томске на месяц", "handoff")
R("ho-11", "вы выдаёте банковские гарантии для госзакупок? у меня ООО", "handoff")
R("ho-12", "можно у вас открыть брокерский счёт и купить ОФЗ?", "handoff")
R("ho-13", "продаёте ли золотые монеты или слитки в отделении", "handoff")
R("ho-14", "12 ноября с кредитки списали 4990 за какую-то KinoSfera, я на неё не подписывалась!! верните деньги", "handoff", customer="k-101")
R("ho-15", "I just gave my card number and the SMS code to someone on the phone who said he was from your bank", "handoff")
R("ho-16", "somebody is withdrawing money from my account RIGHT NOW in another city, help!!", "handoff", customer="k-105")
R("ho-17", "лизинг для ип есть? хочу газель взять", "handoff")
R("ho-18", "какой процент по депозиту для ООО если положить 5 млн на 3 месяца", "handoff")
R("ho-19", "я в бешенстве. карту украли, пока я дозванивался успели снять 15 тыщ, мне нужен человек который вернёт деньги СЕЙЧАС ЖЕ", "handoff", customer="k-102")
R("ho-20", "соедините с менеджером по ипотеке, хочу обсудить свою сделку, там вопрос с продавцом", "handoff")

# ------------------------------------------------------------------ smalltalk
R("st-01", "привет", "smalltalk")
R("st-02", "спасибо большое!! очень помогли", "smalltalk")
R("st-03", "как дела?)", "smalltalk")
R("st-04", "ты кто вообще, бот что ли?", "smalltalk")
R("st-05", "всё, пока", "smalltalk")
R("st-06", "hello there", "smalltalk")
R("st-07", "thanks, bye!", "smalltalk", customer="k-105")
R("st-08", "доброе утро 🙂", "smalltalk", customer="k-107")

# ------------------------------------------------------------------ out of scope
R("oos-01", "какая погода завтра в томске", "out_of_scope")
R("oos-02", "как сварить борщ чтобы был красный", "out_of_scope")
R("oos-03", "напиши код на python который сортирует список", "out_of_scope")
R("oos-04", "переведи на китайский фразу «я хочу открыть счёт»", "out_of_scope")
R("oos-05", "кто победит на выборах?", "out_of_scope")
R("oos-06", "что выпить от давления 160 на 100", "out_of_scope")
R("oos-07", "реши уравнение 2x + 5 = 17", "out_of_scope")
R("oos-08", "посоветуй сериал на вечер", "out_of_scope")
R("oos-09", "напиши стих про осень для дочки в школу", "out_of_scope")
R("oos-10", "how many calories are in a banana?", "out_of_scope")
R("oos-11", "помоги составить резюме на должность кладовщика", "out_of_scope", customer="k-106")
R("oos-12", "translate 'good morning' into German please", "out_of_scope")

# ------------------------------------------------------------------ clarify
R("cl-01", "да", "clarify")
R("cl-02", "ок", "clarify", customer="k-102")
R("cl-03", "нет", "clarify")
R("cl-04", "ывапр", "clarify")
R("cl-05", "??", "clarify")

ids = [c["id"] for c in cases]
assert len(ids) == len(set(ids)), "duplicate ids"
with OUT.open("w", encoding="utf-8") as f:
    f.write("# Blind holdout-4: Kedros Bank (fictional regional bank, Tomsk). Cases run in file order.\n")
    f.write("# NB: act-block-05 confirms blocking k-104's only card (1185); act-cs-06 relies on that.\n")
    yaml.safe_dump(cases, f, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)
print(len(cases))
